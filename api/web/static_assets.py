"""A folder of files a page of ours loads (GraphiQL, the explorer, the review page), served by strikegraph itself:
only the files listed, each also under a name with the start of its content's SHA-256 in it
(`graphiql.min.3f2a9c1d04be.js`). The page asks for those names, and for ES modules an import map sends each
module's imports of its siblings to theirs too, so every file can be kept for a year as `immutable`: a new
file is a new name. The plain names still answer, revalidated on each use (a link, an older page)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import orjson
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route, Router

IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass
class AssetFolder:
    directory: Path
    path: str  # where it is mounted, e.g. /explore/assets
    files: frozenset[str]  # what the browser may fetch (not the npm pins, vendor.sh or the page itself)

    @cached_property
    def versioned_names(self) -> dict[str, str]:
        """Each file's versioned name, by its plain name. Hashed on first use, not at import: a production server
        that never serves the page never reads its files."""
        names = {}
        for name in self.files:
            digest = hashlib.sha256((self.directory / name).read_bytes()).hexdigest()[:12]
            stem, _, suffix = name.rpartition(".")
            names[name] = f"{stem}.{digest}.{suffix}"
        return names

    @cached_property
    def _by_versioned_name(self) -> dict[str, str]:
        return {versioned: name for name, versioned in self.versioned_names.items()}

    def page(self, html_file: str) -> str:
        """The page with `{assets}/NAME` as each file's versioned address and `{importmap}` as the import map
        of its ES modules (each module's plain address to its versioned one)."""
        page = (self.directory / html_file).read_text(encoding="utf-8")
        for name, versioned in self.versioned_names.items():
            page = page.replace(f"{{assets}}/{name}", f"{self.path}/{versioned}")
        modules = {
            f"{self.path}/{name}": f"{self.path}/{versioned}"
            for name, versioned in sorted(self.versioned_names.items())
            if name.endswith(".js")
        }
        importmap = orjson.dumps({"imports": modules}).decode().replace("<", "\\u003c")
        page = page.replace("{importmap}", f'<script type="importmap">{importmap}</script>')
        return page.replace("{assets}", self.path)

    async def _asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name in self._by_versioned_name:  # what the page asks for: the name changes with the content
            return FileResponse(self.directory / self._by_versioned_name[name], headers={"Cache-Control": IMMUTABLE})
        if name in self.files:
            return FileResponse(self.directory / name, headers={"Cache-Control": "no-cache"})
        return JSONResponse({"errors": [{"message": "no such asset", "extensions": {"code": "NOT_FOUND"}}]}, 404)

    def route(self) -> Mount:
        """The files (gzipped for the browsers that accept it, as every response: api/web/app.py)."""
        return Mount(self.path, app=Router([Route("/{name}", self._asset, methods=["GET", "HEAD"])]))
