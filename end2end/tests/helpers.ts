// Shared steps: signing in, and making settings through the panel as a person would.
import { expect, type Page } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, SERVER_BIN } from '../playwright.config';

/** Messages the loopback SMTP server (server.py) has finished recording in `file`. Tests poll
 *  while it may be mid-way through appending a line, so an unterminated tail waits for the next look. */
export function receivedMessages(file: string): { rcpt_tos: string[]; body: string; headers: Record<string, string> }[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean)
    .map((l) => JSON.parse(l)).filter((e) => e.kind === 'message');
}

export async function signIn(page: Page, email = ADMIN.email, password = ADMIN.password, path = '/smtp-settings') {
  await page.goto(path);
  await expect(page.getByRole('heading', { name: 'Sign in to Mailroom' })).toBeVisible();
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAsAdmin(page: Page) {
  await signIn(page);
  await expect(page.getByRole('heading', { name: 'SMTP Settings', level: 1 })).toBeVisible();
}

/** Signs in as a new administrator of its own, so that a file's test emails count against
 *  their own per-user limit (10 a minute) rather than the shared first administrator's. */
export async function signInAsNewAdmin(page: Page, name: string) {
  await signInAsAdmin(page);
  const email = `${unique(name).toLowerCase().replace(/[^a-z0-9]+/g, '.')}@example.com`;
  const password = 'another correct horse battery staple';
  const response = await page.request.post('/api/users/create', {
    headers: { origin: new URL(page.url()).origin },
    data: { user: { name, email, role: 'Administrator', password } },
  });
  expect(response.ok(), await response.text()).toBeTruthy();
  await page.context().clearCookies();
  await signIn(page, email, password);
  await expect(page.getByRole('heading', { name: 'SMTP Settings', level: 1 })).toBeVisible();
}

export function unique(prefix: string) {
  return `${prefix} ${Math.random().toString(36).slice(2, 8)}`;
}

export type Settings = { name: string; host?: string; port?: string; email?: string; username?: string; password?: string; from?: string };

export async function addSettings(page: Page, s: Settings) {
  await page.getByRole('button', { name: 'Add' }).click();
  await expect(page.getByRole('heading', { name: 'Add SMTP Settings' })).toBeVisible();
  await page.getByLabel('Name', { exact: true }).fill(s.name);
  await page.getByLabel('Server Host Name').fill(s.host ?? 'smtp.example.com');
  if (s.port) await page.getByLabel('Port').fill(s.port);
  if (s.from) await page.getByLabel('From').fill(s.from);
  await page.getByLabel('Email Address').fill(s.email ?? 'noreply@example.com');
  if (s.username) await page.getByLabel('Username').fill(s.username);
  if (s.password) await page.getByLabel('Password', { exact: true }).fill(s.password);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${s.name}”.` })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();
}

/** Clicks Save in the SMTP settings editor and waits for the server's answer to this save. Its
 *  "Saved" toast is no sign: one from an earlier save may still be showing the same words. */
export async function saveSettings(page: Page) {
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/settings/save') && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await answer).ok(), 'the save succeeded').toBe(true);
}

/** Makes the settings named `name` the default (the Invoice template sends through it), unless
 *  they are already, as the first settings are. */
export async function makeDefault(page: Page, name: string) {
  await option(page, name).click();
  if (!(await option(page, name).textContent())?.includes('Default')) {
    await page.getByRole('button', { name: 'Make default' }).click();
    await page.getByRole('dialog', { name: 'Make default' }).getByRole('button', { name: 'Make default' }).click();
  }
  await expect(option(page, name)).toContainText('Default');
}

/** Creates an API token in the API tokens panel; the token. */
export async function newApiToken(page: Page): Promise<string> {
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name').fill(unique('Billing system'));
  await page.getByRole('button', { name: 'Create token' }).click();
  return page.getByLabel('New API token').inputValue();
}

export function option(page: Page, name: string) {
  return page.getByRole('listbox', { name: 'SMTP settings' }).getByRole('option', { name: new RegExp(`^${name}`) });
}

/** A TCP server on loopback that accepts and says nothing until told to: a test of it stays at
 *  its greeting. `refuse` answers 421 and hangs up; `close` ends everything. */
export async function silentServer(): Promise<{ port: number; refuse: () => void; close: () => void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => { sockets.push(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    refuse: () => sockets.forEach((s) => s.end('421 4.3.2 Service shutting down\r\n')),
    close: () => { sockets.forEach((s) => s.destroy()); server.close(); },
  };
}

/** A loopback relay that greets and then answers every sender with `reply`, by default 451
 *  "try again later". */
export async function busyServer(reply = '451 4.3.0 Too busy, try again later'): Promise<{ port: number; close: () => void }> {
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.write('220 busy.example.com ESMTP\r\n');
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      let end;
      while ((end = pending.indexOf('\r\n')) >= 0) {
        const line = pending.slice(0, end).toUpperCase();
        pending = pending.slice(end + 2);
        if (line.startsWith('EHLO') || line.startsWith('HELO')) socket.write('250 busy.example.com\r\n');
        else if (line.startsWith('QUIT')) socket.end('221 2.0.0 Bye\r\n');
        else if (line.startsWith('RSET') || line.startsWith('NOOP')) socket.write('250 2.0.0 OK\r\n');
        else socket.write(`${reply}\r\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () => { sockets.forEach((s) => s.destroy()); server.close(); },
  };
}

/** Adds settings for a relay on loopback that speaks plain SMTP (Use STARTTLS Only off). */
export async function addPlainRelay(page: Page, name: string, port: number) {
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByLabel('Use STARTTLS Only').uncheck();
  await addSettings(page, { name, host: '127.0.0.1', port: String(port) });
}

/** A second Mailroom on `port` with a fresh data directory and no administrator: the one-time
 *  setup link it prints, and a way to stop it. */
export async function serverWithoutAdmin(port: number): Promise<{ link: string; stop: () => void }> {
  const server = spawn(SERVER_BIN, [], {
    env: { ...process.env, MAILROOM_ADDR: `127.0.0.1:${port}`, MAILROOM_DATA_DIR: mkdtempSync(join(tmpdir(), 'mailroom-setup-')),
           MAILROOM_ADMIN_EMAIL: '', MAILROOM_ADMIN_PASSWORD: '' },
  });
  const link = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      out += chunk;
      const found = out.match(/http:\/\/\S+\/setup\?token=\S+/);
      if (found) resolve(found[0]);
    });
    server.on('exit', () => reject(new Error(`server exited: ${out}`)));
  });
  return { link, stop: () => server.kill() };
}

const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const WIDTHS = [1280, 360];
const THEMES = ['light', 'dark'] as const;

type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };

/** An axe-core scan of the page as it is now, in each width (1280, 360) and theme; serious and
 *  critical violations fail, moderate and minor ones are listed. The test must bypass the CSP
 *  (`test.use({ bypassCSP: true })`) to inject axe. `ready` waits for the state again after a resize. */
export async function scan(page: Page, state: string, ready: () => Promise<void> = async () => {}) {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 800 });
    for (const colorScheme of THEMES) {
      await page.emulateMedia({ colorScheme, reducedMotion: 'reduce' });
      await ready();
      if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
      const violations: Violation[] = await page.evaluate(async () => {
        const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
        return result.violations;
      });
      const where = `${state} at ${width} px, ${colorScheme}`;
      for (const v of violations.filter((v) => v.impact === 'moderate' || v.impact === 'minor')) {
        console.log(`[axe] ${where}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      }
      const serious = violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious, where).toEqual([]);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}
