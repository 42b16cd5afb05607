// Accessibility: an axe-core scan of every page and state an administrator meets, at 1280 and
// 360 px wide, in the light and the dark theme. Serious and critical violations fail the test;
// moderate and minor ones are listed in the output. The page's CSP stays strict: only this
// file's browser context bypasses it, to inject axe.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { ADMIN, SMTP_PORT } from '../playwright.config';
import { addPlainRelay, option, receivedMessages, scan, serverWithoutAdmin, signIn, signInAsAdmin, silentServer, unique } from './helpers';

test.use({ bypassCSP: true });
test.describe.configure({ mode: 'serial' });

test('signed-out pages', async ({ page }) => {
  await page.goto('/sign-in');
  await expect(page.getByRole('heading', { name: 'Sign in to Mailroom' })).toBeVisible();
  await scan(page, 'sign-in');
  await page.getByRole('link', { name: 'Forgot password?' }).click();
  await expect(page.getByRole('heading', { name: 'Forgot your password?' })).toBeVisible();
  await scan(page, 'forgot password');
  await page.goto('/reset-password?token=not-a-real-token');
  await expect(page.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  await scan(page, 'reset');
  await page.goto('/setup?token=not-a-real-token');
  await expect(page.getByRole('heading', { name: 'This setup link no longer works' })).toBeVisible();
  await scan(page, 'setup');
  await signIn(page, ADMIN.email, 'not the password at all');
  await expect(page.getByRole('alert')).toBeVisible();
  await scan(page, 'sign-in after a failed attempt');
});

test('the SMTP Settings panel: empty, the Add form after a failed save, the Delete dialog', async ({ page }) => {
  await signInAsAdmin(page);
  const list = page.getByRole('listbox', { name: 'SMTP settings' });
  if (await list.getByRole('option').count() === 0) {
    await expect(page.getByText('No SMTP settings yet')).toBeVisible();
    await scan(page, 'empty SMTP Settings panel');
  }
  await page.getByRole('button', { name: 'Add' }).click();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await scan(page, 'Add form after a failed save');

  const name = unique('Scanned relay');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Server Host Name').fill('smtp.example.com');
  await page.getByLabel('Email Address').fill('noreply@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();
  await scan(page, 'SMTP Settings panel with a settings selected');
  await page.getByRole('button', { name: 'Delete' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await scan(page, 'Delete dialog', async () => { await expect(dialog).toBeVisible(); });
  await dialog.getByRole('button', { name: 'Yes' }).click();
  await expect(option(page, name)).toHaveCount(0);
});

test('the test dialog, running and failed', async ({ page }) => {
  const silent = await silentServer();
  try {
    await signInAsAdmin(page);
    const name = unique('Silent relay');
    await addPlainRelay(page, name, silent.port);
    await page.getByRole('button', { name: 'Send test email' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send test email' });
    await dialog.getByRole('button', { name: 'Send' }).click();
    const running = dialog.getByRole('listitem', { name: 'Server greeting and capabilities: in progress' });
    await expect(running).toBeVisible();
    await scan(page, 'test dialog while running', async () => { await expect(running).toBeVisible(); });
    silent.refuse();
    await expect(dialog.getByRole('listitem', { name: /: failed$/ })).toBeVisible();
    await dialog.getByRole('button', { name: 'Show SMTP conversation' }).click();
    await scan(page, 'test dialog after a failure');
    await dialog.getByRole('button', { name: 'Close' }).click();
  } finally {
    silent.close();
  }
});

test('the other panels', async ({ page }) => {
  await signInAsAdmin(page);
  const panels: [string, string][] = [
    ['Templates', 'Email templates'],
    ['Delivery log', 'Delivery log'],
    ['API tokens', 'API tokens'],
    ['Users', 'Users'],
    ['Audit log', 'Audit log'],
    ['Account', 'Your account'],
  ];
  for (const [link, heading] of panels) {
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('link', { name: link }).click();
    await expect(page.getByRole('heading', { name: heading, level: 1 })).toBeVisible();
    if (link === 'Templates') {
      await page.getByRole('listbox', { name: 'Email templates' }).getByRole('option', { name: /^Invoice/ }).click();
      await expect(page.getByRole('heading', { name: 'Edit Email Template' })).toBeVisible();
    }
    await scan(page, `${link} panel`);
  }
});

test('the SMTP Settings panel with 1,000 settings', async ({ page }) => {
  await signInAsAdmin(page);
  const origin = new URL(page.url()).origin;
  const prefix = unique('Bulk');
  const ids: number[] = [];
  for (let i = 0; i < 1000; i += 50) {
    const saved = await Promise.all(Array.from({ length: 50 }, (_, j) => page.request.post('/api/settings/save', {
      headers: { origin },
      data: { input: { id: null, version: null, password: 'Keep', form: {
        name: `${prefix} ${String(i + j).padStart(4, '0')}`, starttls_only: true, host: `smtp${i + j}.example.com`,
        port: '587', from_name: '', email: 'bulk@example.com', username: '' } } },
    })));
    for (const response of saved) {
      expect(response.status()).toBe(200);
      ids.push((await response.json()).id);
    }
  }
  try {
    await page.reload();
    await expect(page.getByRole('status').filter({ hasText: /Showing all 1,0\d\d/ })).toBeVisible();
    await option(page, `${prefix} 0000`).click();
    await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();
    await scan(page, 'SMTP Settings panel with 1,000 settings');
  } finally {
    for (let i = 0; i < ids.length; i += 50) {
      await Promise.all(ids.slice(i, i + 50).map((id) => page.request.post('/api/settings/delete', { headers: { origin }, data: { id } })));
    }
  }
});

test('the first-run setup form', async ({ page }) => {
  const { link, stop } = await serverWithoutAdmin(3919);
  try {
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'Create the first administrator' })).toBeVisible();
    await scan(page, 'setup form');
  } finally {
    stop();
  }
});

test('the reset form, opened from a real emailed link', async ({ page, browser }) => {
  await signInAsAdmin(page);
  const relay = unique('Loopback relay');
  await addPlainRelay(page, relay, SMTP_PORT);
  const make = page.getByRole('button', { name: 'Make default' });
  if (await make.isVisible()) {
    await make.click();
    await page.getByRole('dialog', { name: 'Make default' }).getByRole('button', { name: 'Make default' }).click();
  }
  await expect(option(page, relay)).toContainText('Default');

  const record = join(process.env.E2E_DATA_DIR!, 'smtp.jsonl');
  const mails = () => receivedMessages(record).filter((m) => m.rcpt_tos.includes(ADMIN.email));
  const before = mails().length;
  const stranger = await browser.newPage({ bypassCSP: true });
  await stranger.goto('/forgot-password');
  await stranger.getByLabel('Email address').fill(ADMIN.email);
  await stranger.getByRole('button', { name: 'Send the link' }).click();
  await expect(stranger.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await scan(stranger, 'forgot password, link sent');
  await expect.poll(() => mails().length, { timeout: 15_000 }).toBe(before + 1);
  const link = mails()[before].body.split(/\s+/).find((w: string) => w.includes('/reset-password?token='));
  await stranger.goto(link);
  await expect(stranger.getByRole('heading', { name: 'Choose a new password' })).toBeVisible();
  await scan(stranger, 'reset form');
  await stranger.close();
});
