// The date the explorer shows: an ISO field that takes a year, a month or a day, and a slider over the span
// the view's facts cover, with a mark on each date a fact begins, ends or happens. Nothing is asked while
// one types or drags: a date is committed by Enter, leaving the field, or letting go of the slider.

const DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/;
const DAY = 86400000;

export function isDate(text) {
  return typeof text === "string" && DATE.test(text) && text !== "0000";
}

// A date of any precision as the day the slider stands on: its first day.
function dayOf(date) {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7) || 1) - 1, Number(date.slice(8, 10) || 1)) / DAY;
}

function dateOf(day) {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export class Timeline {
  constructor({ slider, marks, label, field, previous, next, play, today, onCommit, onInvalid }) {
    Object.assign(this, { slider, marksList: marks, label, field, previousButton: previous, nextButton: next,
      playButton: play, today, onCommit, onInvalid });
    this.marks = []; // sorted dates of the view's changes
    this.playing = null;
    this.shown = today();
    field.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.commitField();
    });
    field.addEventListener("change", () => this.commitField());
    slider.addEventListener("input", () => (label.textContent = dateOf(Number(slider.value))));
    slider.addEventListener("change", () => this.commit(dateOf(Number(slider.value))));
    previous.addEventListener("click", () => this.step(-1));
    next.addEventListener("click", () => this.step(+1));
    play.addEventListener("click", () => this.togglePlay());
  }

  commitField() {
    const text = this.field.value.trim();
    if (text === "") return this.commit(this.today());
    if (!isDate(text)) return this.onInvalid(text);
    return this.commit(text);
  }

  commit(date) {
    if (date !== this.shown) this.onCommit(date);
  }

  // The view's dates of change: the slider spans them (and the date shown), a tick on each.
  setMarks(dates) {
    this.marks = [...new Set(dates.map((date) => dateOf(dayOf(date))))].sort();
    this.marksList.replaceChildren(...this.marks.map((date) => {
      const option = document.createElement("option");
      option.value = String(dayOf(date));
      option.label = date;
      return option;
    }));
    this.show(this.shown);
  }

  show(date) {
    this.shown = date;
    const days = [...this.marks, date].map(dayOf);
    const pad = 30;
    this.slider.min = String(Math.min(...days) - pad);
    this.slider.max = String(Math.max(...days) + pad);
    this.slider.value = String(dayOf(date));
    this.slider.setAttribute("aria-valuetext", date);
    this.label.textContent = date;
    const at = dayOf(date);
    this.previousButton.disabled = !this.marks.some((mark) => dayOf(mark) < at);
    this.nextButton.disabled = !this.marks.some((mark) => dayOf(mark) > at);
  }

  // The previous or next date a fact changes on.
  step(direction) {
    const at = dayOf(this.shown);
    const candidates = this.marks.filter((mark) => (direction > 0 ? dayOf(mark) > at : dayOf(mark) < at));
    if (!candidates.length) return false;
    this.commit(direction > 0 ? candidates[0] : candidates[candidates.length - 1]);
    return true;
  }

  // Play: every change in turn, one a second and a half, until the last or a press of the same button.
  togglePlay() {
    if (this.playing) return this.stopPlaying();
    this.playButton.setAttribute("aria-pressed", "true");
    this.playButton.textContent = "❚❚";
    this.playing = setInterval(() => {
      if (!this.step(+1)) this.stopPlaying();
    }, 1500);
    return null;
  }

  stopPlaying() {
    clearInterval(this.playing);
    this.playing = null;
    this.playButton.setAttribute("aria-pressed", "false");
    this.playButton.textContent = "▶";
  }
}
