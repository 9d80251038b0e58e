// The media edit page's "Publish on" field holds a wall-clock time, with no zone. The server reads it
// with the offset this script sends: the browser's, for that date (summer time included), so the
// media goes out when the editor's clock shows that time. It also shows a stored time in the
// browser's zone. Without it, both are in the server's time zone (core/media/publish-at.ts).
(() => {
  const pad = (n) => String(n).padStart(2, '0');
  const localValue = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}${d.getSeconds() ? `:${pad(d.getSeconds())}` : ''}`;
  for (const input of document.querySelectorAll('input[type="datetime-local"][data-offset-field]')) {
    const offset = document.getElementById(input.dataset.offsetField);
    if (!offset || !input.form) continue;
    const stored = input.dataset.instant ? new Date(input.dataset.instant) : undefined;
    if (stored && !Number.isNaN(stored.getTime())) {
      if (stored.getSeconds()) input.step = '1';
      input.value = localValue(stored);
    }
    input.form.addEventListener('submit', () => {
      // `new Date("YYYY-MM-DDTHH:mm")` is read as local time: its offset is the one at that date.
      const at = input.value ? new Date(input.value) : undefined;
      offset.value = at && !Number.isNaN(at.getTime()) ? String(-at.getTimezoneOffset()) : '';
    });
  }
})();
