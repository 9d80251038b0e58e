// A media page's transcript (themes/default/partials/media-transcript.hbs): a time plays the
// page's own player from that moment rather than opening the file, and the line being heard is
// marked (aria-current="time") as the recording plays. Without this script, each time opens the
// recording at that moment (a media fragment, #t=).
(() => {
  for (const section of document.querySelectorAll('.transcripts')) {
    const player = section.closest('article')?.querySelector('.media-player audio, .media-player video');
    if (!player) continue;
    const lists = [...section.querySelectorAll('ol')].map((ol) => [...ol.querySelectorAll('a[data-start]')].map((a) => ({ start: Number(a.dataset.start), item: a.closest('li') })));
    section.addEventListener('click', (event) => {
      const link = event.target instanceof Element ? event.target.closest('a[data-start]') : null;
      if (!link) return;
      event.preventDefault();
      player.currentTime = Number(link.dataset.start);
      player.play().catch(() => {});
    });
    const mark = () => {
      for (const cues of lists) {
        let now;
        for (const cue of cues) {
          if (cue.start > player.currentTime) break;
          now = cue;
        }
        for (const cue of cues) {
          if (cue === now) cue.item.setAttribute('aria-current', 'time');
          else cue.item.removeAttribute('aria-current');
        }
      }
    };
    player.addEventListener('timeupdate', mark);
    player.addEventListener('seeked', mark);
  }
})();
