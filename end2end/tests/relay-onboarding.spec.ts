// Getting a real relay working: provider presets, and a relay with a self-signed certificate
// made the way `openssl req -x509` makes one, trusted from the failed test.
import { expect, test, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveSettings, signInAsAdmin, signInAsNewAdmin, unique } from './helpers';

test('picking a provider fills the server, port and STARTTLS, says what Username is, and links its guide', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('button', { name: 'Add' }).click();
  const provider = page.getByLabel('Provider');
  await provider.selectOption('SendGrid');
  await expect(page.getByLabel('Server Host Name')).toHaveValue('smtp.sendgrid.net');
  await expect(page.getByLabel('Port')).toHaveValue('587');
  await expect(page.getByLabel('Use STARTTLS Only')).toBeChecked();
  await expect(page.getByLabel('Username')).toHaveValue('apikey');
  const help = page.getByRole('note', { name: 'SendGrid settings' });
  await expect(help).toContainText('The literal word apikey');
  await expect(help.getByRole('link', { name: "SendGrid's SMTP setup guide" })).toHaveAttribute('href', /^https:\/\/www\.twilio\.com\//);

  await provider.selectOption('Amazon SES');
  await page.getByLabel('Region').selectOption('eu-west-1');
  await expect(page.getByLabel('Server Host Name')).toHaveValue('email-smtp.eu-west-1.amazonaws.com');
  await expect(page.getByRole('note', { name: 'Amazon SES settings' })).toContainText('not your IAM access keys');

  await provider.selectOption('Fastmail');
  await expect(page.getByLabel('Port')).toHaveValue('465');
  await expect(page.getByLabel('Use STARTTLS Only')).not.toBeChecked();
  await expect(page.getByLabel('Region')).toHaveCount(0);
});

/** The next port in 20000–31999 that nothing listens on. These lie below the kernel's ephemeral
 *  range (32768–60999), from which the browser's own connections take their local ports, so the
 *  port stays free between this check and the test server binding it. */
let nextPort = 20000 + (process.pid % 12000);
async function freePort(): Promise<number> {
  for (;;) {
    const port = nextPort;
    nextPort = nextPort >= 31999 ? 20000 : nextPort + 1;
    const server = createServer();
    const bound = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      return port;
    }
  }
}

/** aiosmtpd with STARTTLS and AUTH, presenting a certificate from `openssl req -x509`. */
async function selfSignedRelay(extra: string[] = []): Promise<{ port: number; fingerprint: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-selfsigned-'));
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30', '-subj', '/CN=relay.internal'], { stdio: 'ignore' });
  const printed = execFileSync('openssl', ['x509', '-noout', '-fingerprint', '-sha256', '-in', cert]).toString();
  const fingerprint = printed.trim().split('=')[1];
  const port = await freePort();
  const relay: ChildProcess = spawn('../.tools/venv/bin/python', ['../server/tests/smtp/server.py', '--mode', 'starttls', '--port', String(port),
    '--cert', cert, '--key', key, '--user', 'billing', '--password', 'relay-pass', '--record', join(dir, 'record.jsonl'), ...extra]);
  await ready(relay);
  return { port, fingerprint, stop: () => relay.kill() };
}

function ready(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => { if (chunk.toString().includes('ready')) resolve(); });
    child.on('exit', (code) => reject(new Error(`a test server exited with ${code}`)));
  });
}

/** Opens the Add form and fills in a relay on this machine that signs in as "billing". */
async function startRelaySettings(page: Page, name: string, port: number) {
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Server Host Name').fill('127.0.0.1');
  await page.getByLabel('Port').fill(String(port));
  await page.getByLabel('Email Address').fill('billing@example.com');
  await page.getByLabel('Username').fill('billing');
}

/** Sends a test that fails at TLS, trusts the certificate the relay presented, and closes. */
async function trustAfterFailedTest(page: Page) {
  await page.getByRole('button', { name: 'Send test email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send test email' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('listitem', { name: 'TLS: failed' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Trust this certificate' }).click();
  await page.getByRole('dialog', { name: 'Trust this certificate?' }).getByRole('button', { name: 'Trust this certificate' }).click();
  await dialog.getByRole('button', { name: 'Close' }).click();
}

const CLIENT_ID = '6a1c3f0e-0000-4000-8000-00000000c11d';
const CLIENT_SECRET = 'Qx8~client-secret-value';

/** A local OAuth2 token endpoint (client credentials) and the file of tokens it issued. */
async function tokenEndpoint(): Promise<{ url: string; tokens: string; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), 'mailroom-tokens-'));
  const [port, tokens] = [await freePort(), join(dir, 'tokens.txt')];
  const server = spawn('../.tools/venv/bin/python', ['../server/tests/smtp/token_server.py', '--port', String(port), '--client-id', CLIENT_ID,
    '--client-secret', CLIENT_SECRET, '--tokens', tokens, '--record', join(dir, 'requests.jsonl')]);
  await ready(server);
  return { url: `http://127.0.0.1:${port}/token`, tokens, stop: () => server.kill() };
}

test('a self-signed relay: the failed test names the certificate, Trust pins it, and the next test passes', async ({ page }) => {
  const relay = await selfSignedRelay();
  try {
    await signInAsNewAdmin(page, 'Relay administrator');
    const name = unique('Internal relay');
    await startRelaySettings(page, name, relay.port);
    await page.getByLabel('Password', { exact: true }).fill('relay-pass');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();

    await page.getByRole('button', { name: 'Send test email' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send test email' });
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('listitem', { name: 'TLS: failed' })).toBeVisible();
    await expect(dialog.getByRole('alert')).toContainText("certificate authority's certificate (CN=relay.internal, self-signed)");
    const certificate = dialog.getByRole('region', { name: "The server's certificate" });
    await expect(certificate).toContainText(relay.fingerprint);
    await expect(certificate).toContainText('CN=relay.internal');

    await certificate.getByRole('button', { name: 'Trust this certificate' }).click();
    const confirm = page.getByRole('dialog', { name: 'Trust this certificate?' });
    await expect(confirm).toContainText(relay.fingerprint);
    await confirm.getByRole('button', { name: 'Trust this certificate' }).click();
    await expect(dialog.getByRole('status').filter({ hasText: 'trusted in the form' })).toBeVisible();
    // The saved password is bound to the certificate it may go to: it must be typed again.
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('alert').filter({ hasText: 'Fix Password in the form first' })).toContainText('trusted certificate');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByLabel('Password', { exact: true }).fill('relay-pass');
    await page.getByRole('button', { name: 'Send test email' }).click();

    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('listitem', { name: 'TLS: done' })).toContainText(`the trusted certificate (SHA-256 ${relay.fingerprint})`);
    await expect(dialog.getByRole('status').filter({ hasText: 'accepted for delivery' })).toContainText('relay.administrator.');
    await dialog.getByRole('button', { name: 'Close' }).click();

    const trusted = page.getByRole('group', { name: 'Trusted Certificate' });
    await expect(trusted).toContainText(`SHA-256 ${relay.fingerprint}`);
    await saveSettings(page);
    await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
    await page.reload();
    await expect(trusted).toContainText(relay.fingerprint);

    await trusted.getByRole('button', { name: 'Remove trusted certificate' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'will be removed when you save' })).toBeVisible();
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` }).last()).toBeVisible();
    await expect(trusted).toHaveCount(0);
  } finally {
    relay.stop();
  }
});

test('OAuth2 client credentials: set up for a Microsoft 365 style relay, then a test gets a token and signs in', async ({ page }) => {
  const endpoint = await tokenEndpoint();
  const relay = await selfSignedRelay(['--tokens', endpoint.tokens]);
  try {
    await signInAsNewAdmin(page, 'Relay administrator');
    const name = unique('Microsoft 365');
    await startRelaySettings(page, name, relay.port);
    await page.getByLabel('Authentication').selectOption({ label: 'OAuth2 client credentials' });
    await expect(page.getByLabel('Password', { exact: true })).toHaveCount(0);

    await page.getByLabel('Microsoft 365 tenant').fill('contoso.onmicrosoft.com');
    await expect(page.getByLabel('Token URL')).toHaveValue('https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token');
    await expect(page.getByLabel('Scope')).toHaveValue('https://outlook.office365.com/.default');
    await page.getByLabel('Token URL').fill('http://login.example.com/token');
    await page.getByLabel('Token URL').blur();
    await expect(page.getByLabel('Token URL')).toHaveAccessibleDescription(/must start with https:\/\//);
    await page.getByLabel('Token URL').fill(endpoint.url);
    await page.getByLabel('Client ID').fill(CLIENT_ID);
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
    await expect(page.getByLabel('Client secret')).toHaveAttribute('placeholder', /saved/);

    await trustAfterFailedTest(page);
    const dialog = page.getByRole('dialog', { name: 'Send test email' });
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Send test email' }).click();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('listitem', { name: 'Get token: done' })).toContainText('An access token from http://127.0.0.1');
    await expect(dialog.getByRole('listitem', { name: 'Authenticate: done' })).toContainText('Signed in as billing with AUTH XOAUTH2');
    await expect(dialog.getByRole('status').filter({ hasText: 'accepted for delivery' })).toBeVisible();
  } finally {
    relay.stop();
    endpoint.stop();
  }
});

test('OAuth2 refresh token: Connect signs in at the provider, comes back connected, and the test passes', async ({ page }) => {
  const endpoint = await tokenEndpoint();
  const relay = await selfSignedRelay(['--tokens', endpoint.tokens]);
  try {
    await signInAsNewAdmin(page, 'Relay administrator');
    const name = unique('Google Workspace');
    await startRelaySettings(page, name, relay.port);
    await page.getByLabel('Authentication').selectOption({ label: 'OAuth2 refresh token (Connect)' });
    await page.getByRole('button', { name: 'Fill in for Google' }).click();
    await expect(page.getByLabel('Authorization URL')).toHaveValue('https://accounts.google.com/o/oauth2/v2/auth');
    await expect(page.getByLabel('Scope')).toHaveValue('https://mail.google.com/');
    await page.getByLabel('Authorization URL').fill(endpoint.url.replace('/token', '/authorize'));
    await page.getByLabel('Token URL').fill(endpoint.url);
    await page.getByLabel('Client ID').fill(CLIENT_ID);
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
    const connection = page.getByRole('group', { name: 'OAuth2 connection' });
    await expect(connection).toContainText('Not connected');

    // The relay's certificate first: trusting it means typing the client secret again.
    await trustAfterFailedTest(page);
    const dialog = page.getByRole('dialog', { name: 'Send test email' });
    await page.getByLabel('Client secret').fill(CLIENT_SECRET);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(connection.getByRole('button', { name: 'Connect' })).toBeEnabled();

    await connection.getByRole('button', { name: 'Connect' }).click();
    await expect(connection).toContainText('Connected');
    await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();

    await page.getByRole('button', { name: 'Send test email' }).click();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await expect(dialog.getByRole('listitem', { name: 'Get token: done' })).toBeVisible();
    await expect(dialog.getByRole('listitem', { name: 'Authenticate: done' })).toContainText('AUTH XOAUTH2');
    await expect(dialog.getByRole('status').filter({ hasText: 'accepted for delivery' })).toBeVisible();
  } finally {
    relay.stop();
    endpoint.stop();
  }
});
