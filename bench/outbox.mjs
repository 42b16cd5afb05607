// Helpers for bench/outbox.sh.
//   setup <base> <sink-port>        signs in, adds default settings for the sink, prints an API token
//   queue <base> <token> <count>    posts <count> invoice mails, 16 at a time
const [command, base, ...rest] = process.argv.slice(2);
const ADMIN = { email: 'bench@example.com', password: 'benchmark password' };

async function call(cookie, endpoint, body) {
  const r = await fetch(`${base}/api/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json', origin: base, cookie }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`${endpoint}: ${r.status} ${await r.text()}`);
  return r;
}

if (command === 'setup') {
  const [sink] = rest;
  const signIn = await call('', 'auth/sign-in', { credentials: ADMIN });
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const form = { name: 'smtp-sink', starttls_only: false, host: '127.0.0.1', port: sink, from_name: 'Billing', email: 'billing@example.com', username: '' };
  await call(cookie, 'settings/save', { input: { id: null, version: null, form, password: 'Keep' } });
  const token = await (await call(cookie, 'tokens/create', { name: 'benchmark' })).json();
  console.log(token.token);
} else if (command === 'queue') {
  const [token, countArg] = rest;
  const count = Number(countArg);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const r = await fetch(`${base}/api/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          template: 'Invoice', to: `contact${i}@example.com`, to_name: `Contact ${i}`,
          variables: { contact: { name: `Contact ${i}` }, company: { name: 'Example Ltd' },
                       invoice: { number: `INV-${i}`, amount: '€1,250.00', due_date: '15 December 2026', url: `https://billing.example.com/${i}` } },
        }),
      });
      if (r.status !== 202) throw new Error(`queue ${i}: ${r.status} ${await r.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}
