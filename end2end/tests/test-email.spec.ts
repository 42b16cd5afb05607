// "Send test email" from the panel, against a real SMTP server on loopback.
import { expect, test } from '@playwright/test';
import { ADMIN, SMTP_PORT } from '../playwright.config';
import { addPlainRelay, addSettings, option, signInAsAdmin, silentServer, unique } from './helpers';

const STEPS_WITHOUT_TLS = ['Resolve host', 'Connect', 'Server greeting and capabilities', 'Sender accepted', 'Recipient accepted', 'Message accepted'];

test('a test email is sent, each step ticks, and the list remembers the result', async ({ page }) => {
  await signInAsAdmin(page);
  const name = unique('Loopback relay');
  await addPlainRelay(page, name, SMTP_PORT);

  await page.getByRole('button', { name: 'Send test email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send test email' });
  await expect(dialog.getByLabel('Recipient')).toHaveValue(ADMIN.email);
  await dialog.getByRole('button', { name: 'Send' }).click();
  const progress = dialog.getByRole('list', { name: 'Progress' });
  for (const step of STEPS_WITHOUT_TLS) {
    await expect(progress.getByRole('listitem', { name: `${step}: done` })).toBeVisible();
  }
  await expect(progress.getByRole('listitem', { name: 'TLS: skipped' })).toBeVisible();
  await expect(progress.getByRole('listitem', { name: 'Authenticate: skipped' })).toBeVisible();
  await expect(dialog.getByRole('status').filter({ hasText: 'accepted for delivery' })).toContainText(`accepted for delivery to ${ADMIN.email}`);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(option(page, name).getByRole('img', { name: /Last test succeeded/ })).toBeVisible();
});

test('a failing test names the step, the cause and highlights the field', async ({ page }) => {
  await signInAsAdmin(page);
  const name = unique('Needs TLS');
  await addSettings(page, { name, host: '127.0.0.1', port: String(SMTP_PORT) });
  await page.getByRole('button', { name: 'Send test email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send test email' });
  await dialog.getByRole('button', { name: 'Send' }).click();
  await expect(dialog.getByRole('listitem', { name: 'TLS: failed' })).toBeVisible();
  const diagnosis = dialog.getByRole('alert');
  await expect(diagnosis).toContainText('Failed at “TLS”');
  await expect(diagnosis).toContainText('does not offer STARTTLS');
  await expect(diagnosis).toContainText('What to change:');
  await dialog.getByRole('button', { name: 'Show SMTP conversation' }).click();
  await expect(dialog.getByLabel('SMTP conversation')).toContainText('C: EHLO');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Port')).toHaveAccessibleDescription(/Send test email: The server does not offer STARTTLS/);
  await expect(option(page, name).getByRole('img', { name: /Last test failed/ })).toBeVisible();
});

test('Close and Escape work while a test runs, and cancel it', async ({ page }) => {
  const silent = await silentServer();
  try {
    await signInAsAdmin(page);
    const name = unique('Silent relay');
    await addPlainRelay(page, name, silent.port);
    const open = page.getByRole('button', { name: 'Send test email' });
    const dialog = page.getByRole('dialog', { name: 'Send test email' });
    for (const how of ['Escape', 'Close']) {
      await open.click();
      await dialog.getByRole('button', { name: 'Send' }).click();
      await expect(dialog.getByRole('listitem', { name: 'Server greeting and capabilities: in progress' })).toBeVisible();
      if (how === 'Escape') await page.keyboard.press('Escape');
      else await dialog.getByRole('button', { name: 'Close' }).click();
      await expect(dialog, `${how} closes the dialog during the test`).toBeHidden();
      await open.click();
      await expect(dialog.getByRole('list', { name: 'Progress' }), 'a cancelled run leaves nothing behind').toHaveCount(0);
      await expect(dialog.getByRole('button', { name: 'Send' })).toBeEnabled();
      await page.keyboard.press('Escape');
    }
  } finally {
    silent.close();
  }
});
