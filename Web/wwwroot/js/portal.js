// Progressive enhancement only: every page works without this file.

// Times: the markup says UTC (kept on hover); the reader sees their own time zone.
function localTimes(root) {
  root.querySelectorAll('time[datetime]').forEach(t => {
    const at = new Date(t.getAttribute('datetime'));
    if (!isNaN(at)) t.textContent = at.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  });
}

// Live regions: an element with data-live="url" is refreshed from that fragment every 2 s until the fragment marks itself done (data-done="yes").
function live(region) {
  const tick = async () => {
    try {
      const response = await fetch(region.dataset.live, { credentials: 'same-origin', headers: { Accept: 'text/html' } });
      if (response.ok) {
        region.innerHTML = await response.text();
        localTimes(region);
      }
    } catch (e) {
      // A missed refresh is retried on the next tick.
    }
    if (!region.querySelector('[data-done="yes"]')) setTimeout(tick, 2000);
  };
  if (!region.querySelector('[data-done="yes"]')) setTimeout(tick, 2000);
}

localTimes(document);
document.querySelectorAll('[data-live]').forEach(live);

// Filter boxes: <input data-filter="selector"> hides the matching elements whose text does not contain what is typed.
document.querySelectorAll('input[data-filter]').forEach(box => {
  box.addEventListener('input', () => {
    const term = box.value.toLowerCase();
    document.querySelectorAll(box.dataset.filter).forEach(item => { item.hidden = !item.textContent.toLowerCase().includes(term); });
  });
});
