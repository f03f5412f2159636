"""Headless Chromium for the browser tests (Debian's chromium and chromium-driver, through Selenium), with
no network beyond 127.0.0.1: names do not resolve and everything else goes to a dead proxy."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

INSTALL = Path(__file__).resolve().parent / "tools" / "install.sh"


@contextmanager
def headless_chromium(window_size: str = "1400,1000") -> Iterator[webdriver.Chrome]:
    subprocess.run([str(INSTALL), "browser"], check=True)  # apt-get install chromium chromium-driver if missing
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and chromedriver, "chromium and chromium-driver should have been installed"
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        f"--window-size={window_size}",
        # Chromium never proxies loopback, so only 127.0.0.1 is reachable.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=http://127.0.0.1:9",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=chromedriver))
    try:
        yield driver
    finally:
        driver.quit()
