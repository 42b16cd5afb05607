// Times a Filter keystroke in the real panel with N settings, and the same keystrokes in a
// plain-JS page that filters the same rows and renders the same visible window. Each keystroke
// is timed from the input event until the DOM is updated and laid out.
import { chromium } from '../end2end/node_modules/playwright-core/index.mjs';

const [base, countArg] = process.argv.slice(2);
const count = Number(countArg ?? 10000);
const ADMIN = { email: 'bench@example.com', password: 'benchmark password' };
const KEYS = ['m', 'a', 'i', 'l', ' ', '4', '2', 'Backspace', 'Backspace', 'Backspace', 'x', 'Backspace', 'Backspace', 'Backspace', 'Backspace', 'Backspace', 's', 'm', 't', 'p', '.', 'e', 'u'];
const ROUNDS = 5;

async function api(cookie, endpoint, body) {
  const response = await fetch(`${base}/api/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, cookie },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${endpoint}: ${response.status} ${await response.text()}`);
  return response;
}

async function seed() {
  const signIn = await api('', 'auth/sign-in', { credentials: ADMIN });
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const existing = await (await api(cookie, 'settings/list', {})).json();
  const hosts = ['smtp.mailgun.org', 'smtp.sendgrid.net', 'email-smtp.eu-west-1.amazonaws.com', 'smtp.office365.com', 'smtp.gmail.com'];
  let next = existing.stored.length;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const form = { name: `Relay ${i} ${hosts[i % 5].split('.')[1]}`, starttls_only: true, host: `mx${i}.${hosts[i % 5]}`, port: '587', from_name: 'Billing', email: `billing${i}@example.com`, username: `user${i}` };
      await api(cookie, 'settings/save', { input: { id: null, version: null, form, password: { Set: `pw-${i}` } } });
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return cookie;
}

// The baseline: the same rows, the same lower-cased haystack and word match, the same
// windowed rendering of the first visible rows and the same "n of m" count, in plain JS.
const BASELINE = `
<style>#list{height:600px;overflow:auto;position:relative}.row{height:52px}</style>
<label for="filter">Filter</label><input id="filter" type="search"><p id="count"></p><div id="list"></div>
<script>
  const rows = window.ROWS.map(r => ({ ...r, hay: [r.name, r.host, r.email, r.username].join('\\n').toLowerCase() }));
  const list = document.getElementById('list'), count = document.getElementById('count');
  function render(filter) {
    const words = filter.toLowerCase().split(/\\s+/).filter(Boolean);
    const hits = rows.filter(r => words.every(w => r.hay.includes(w)));
    count.textContent = hits.length + ' of ' + rows.length;
    list.replaceChildren(...hits.slice(0, 28).map(r => {
      const div = document.createElement('div');
      div.className = 'row';
      div.setAttribute('role', 'option');
      div.innerHTML = '<span></span><span></span>';
      div.children[0].textContent = r.name;
      div.children[1].textContent = r.host + ':' + r.port;
      return div;
    }));
  }
  document.getElementById('filter').addEventListener('input', e => render(e.target.value));
  render('');
</script>`;

async function timeKeystrokes(page) {
  return page.evaluate(async ({ keys, rounds }) => {
    const input = document.getElementById('filter');
    const times = [];
    for (let round = 0; round < rounds; round++) {
      input.value = '';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => setTimeout(r, 50));
      for (const key of keys) {
        const t0 = performance.now();
        input.value = key === 'Backspace' ? input.value.slice(0, -1) : input.value + key;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await new Promise((r) => setTimeout(r, 0));
        void document.body.offsetHeight;
        times.push(performance.now() - t0);
      }
    }
    const shown = document.querySelectorAll('[role=option]').length;
    const counted = [...document.querySelectorAll('p')].map((p) => p.textContent).find((t) => / of /.test(t));
    return { times, check: `${counted} (${shown > 0 ? 'rows shown' : 'no rows'}) for "${input.value}"` };
  }, { keys: KEYS, rounds: ROUNDS });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];

const cookie = await seed();
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
await context.addCookies([{ name: cookie.split('=')[0], value: cookie.split('=')[1], url: base }]);

const panel = await context.newPage();
await panel.goto(`${base}/smtp-settings`);
await panel.getByText(`Showing all ${count.toLocaleString('en-US')}`).waitFor({ timeout: 60000 });
const rows = await panel.evaluate(async (origin) => {
  const r = await fetch('/api/settings/list', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  return (await r.json()).stored;
}, base);
const { times: ours, check: ourCheck } = await timeKeystrokes(panel);

const plain = await context.newPage();
await plain.goto('about:blank');
await plain.evaluate((data) => { window.ROWS = data; }, rows);
await plain.setContent(BASELINE);
const { times: theirs, check: theirCheck } = await timeKeystrokes(plain);
await browser.close();

const fmt = (x) => `${x.toFixed(2)} ms`;
console.log(`rows: ${rows.length}, keystrokes timed: ${ours.length} each`);
console.log(`after the last keystroke: panel shows ${ourCheck}; plain JS shows ${theirCheck}`);
console.log(`Mailroom panel : median ${fmt(median(ours))}, p95 ${fmt(p95(ours))}`);
console.log(`plain-JS page  : median ${fmt(median(theirs))}, p95 ${fmt(p95(theirs))}`);
console.log(`ratio (panel / plain JS): median ${(median(ours) / median(theirs)).toFixed(2)}x, p95 ${(p95(ours) / p95(theirs)).toFixed(2)}x`);
console.log(`one frame at 60 Hz is 16.7 ms; the panel's p95 uses ${((p95(ours) / 16.7) * 100).toFixed(0)}% of it`);
