// End-to-end tests: the mailroom binary with a fresh data directory, Debian's Chromium. The
// binary is the release build unless E2E_SERVER_BIN names another (make test uses the debug
// build its integration tests already made; it serves the same dist/ from disk).
import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PORT = Number(process.env.E2E_PORT ?? 3917);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
export const ADMIN = { email: 'admin@example.com', password: 'correct horse battery staple' };
export const SERVER_BIN = process.env.E2E_SERVER_BIN ?? '../target/release/mailroom';
/** A real SMTP server (aiosmtpd, plain, no sign-in) for "Send test email". */
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? 2526);

const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'mailroom-e2e-'));
process.env.E2E_DATA_DIR = dataDir;

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export default defineConfig({
  testDir: './tests',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: [{
    command: `../.tools/venv/bin/python ../server/tests/smtp/server.py --mode plain --port ${SMTP_PORT} --record ${join(dataDir, 'smtp.jsonl')}`,
    port: SMTP_PORT,
    reuseExistingServer: false,
    timeout: 30_000,
  }, {
    command: SERVER_BIN,
    url: `${BASE_URL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      MAILROOM_ADDR: `127.0.0.1:${PORT}`,
      MAILROOM_DATA_DIR: dataDir,
      MAILROOM_ADMIN_EMAIL: ADMIN.email,
      MAILROOM_ADMIN_PASSWORD: ADMIN.password,
      RUST_LOG: 'warn',
    },
  }],
});
