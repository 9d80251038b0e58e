// "Play all" on a collection of audio media: each player starts the next when it ends, and starting
// one pauses the others. Without this script the button stays hidden and each player plays alone.
(() => {
  for (const list of document.querySelectorAll('.collection-playlist')) {
    const players = [...list.querySelectorAll('audio')];
    const button = list.querySelector('.collection-play-all');
    const play = (player) => player.play().catch(() => undefined);
    players.forEach((player, i) => {
      player.addEventListener('ended', () => {
        const next = players[i + 1];
        if (next) {
          next.currentTime = 0;
          play(next);
        }
      });
      player.addEventListener('play', () => {
        for (const other of players) if (other !== player) other.pause();
      });
    });
    if (!button || !players.length) continue;
    button.hidden = false;
    button.addEventListener('click', () => {
      players[0].currentTime = 0;
      play(players[0]);
    });
  }
})();
