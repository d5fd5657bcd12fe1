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

// Cron preview: as the expression or the zone changes, ask the portal (and so the Api) for the next runs.
document.querySelectorAll('[data-cron-preview]').forEach(target => {
  const cron = document.querySelector('[data-cron="cron"]');
  const zone = document.querySelector('[data-cron="zone"]');
  let timer;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = new URLSearchParams({ cronExpression: cron.value, timeZone: zone.value });
      const response = await fetch(`${target.dataset.cronPreview}?${query}`, { credentials: 'same-origin' });
      if (response.ok) { target.innerHTML = await response.text(); localTimes(target); }
    }, 300);
  };
  [cron, zone].forEach(field => field && field.addEventListener('input', refresh));
});
