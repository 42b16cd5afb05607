// Templates, API tokens, the delivery log, the default settings and password reset, through
// the panel and a real SMTP server on loopback.
import { expect, test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { BASE_URL, SMTP_PORT } from '../playwright.config';
import { addPlainRelay, addSettings, option, receivedMessages, signIn, signInAsAdmin, unique } from './helpers';

/** Messages the loopback SMTP server received. */
const received = () => receivedMessages(join(process.env.E2E_DATA_DIR!, 'smtp.jsonl'));

/** Makes a loopback relay the default settings, so application mail reaches the test server. */
async function loopbackDefault(page: Page) {
  const name = unique('Loopback default');
  await addPlainRelay(page, name, SMTP_PORT);
  const make = page.getByRole('button', { name: 'Make default' });
  if (await make.isVisible()) {
    await make.click();
    const dialog = page.getByRole('dialog', { name: 'Make default' });
    await expect(dialog).toContainText('has never been tested');
    await dialog.getByRole('button', { name: 'Make default' }).click();
  }
  await expect(page.getByText('Default settings', { exact: true })).toBeVisible();
  await expect(option(page, name)).toContainText('Default');
}

test('a placeholder the application cannot supply is refused under its field, and the preview renders sample data', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('button', { name: 'Add template' }).click();
  const name = unique('Reminder');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Subject').fill('Reminder for {{ reset_link }}');
  await page.getByLabel('Text body').fill('Dear {{ contact.name }}, invoice {{ invoice.number }} is due.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Subject')).toHaveAccessibleDescription(/\{\{ reset_link \}\}, which only Mailroom's own account mail has/);
  await expect(page.getByLabel('Subject')).toBeFocused();
  await page.getByLabel('Subject').fill('Reminder for {{ invoice.number }}');
  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview).toContainText('Reminder for INV-2026-0042');
  await expect(preview).toContainText('Dear Grace Hopper, invoice INV-2026-0042 is due.');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
  await expect(page.getByRole('option', { name: new RegExp(name) })).toBeVisible();
});

test('an API token queues an invoice that the delivery log shows as sent', async ({ page, request }) => {
  await signInAsAdmin(page);
  await loopbackDefault(page);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await page.getByLabel('Name').fill(unique('Billing system'));
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('New API token').inputValue();
  expect(token).toMatch(/^mr_/);
  const to = `${unique('grace').replace(' ', '')}@example.com`;
  const response = await request.post(`${BASE_URL}/api/v1/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      template: 'Invoice', to,
      variables: { contact: { name: 'Grace' }, company: { name: 'Example Ltd' }, invoice: { number: 'INV-7', amount: '€70', due_date: 'Friday', url: 'https://example.com/7' } },
    },
  });
  expect(response.status()).toBe(202);
  await page.getByRole('link', { name: 'Delivery log' }).click();
  await page.getByLabel('Filter').fill(to);
  const row = page.getByRole('row').filter({ hasText: to });
  await expect(row).toContainText('Invoice INV-7 from Example Ltd');
  await expect(row).toContainText('sent', { timeout: 15_000 });
  expect(received().some((m) => m.rcpt_tos.includes(to))).toBe(true);
});

test('a forgotten password is reset through the emailed link', async ({ page, browser }) => {
  await signInAsAdmin(page);
  await loopbackDefault(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const email = `${unique('forgetful').replace(' ', '')}@example.com`;
  await page.getByLabel('Name').fill('Forgetful Fred');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Initial password').fill('the first password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();

  const fred = await browser.newPage();
  await fred.goto('/sign-in');
  await fred.getByRole('link', { name: 'Forgot password?' }).click();
  await fred.getByLabel('Email address').fill(email);
  await fred.getByRole('button', { name: 'Send the link' }).click();
  await expect(fred.getByRole('heading', { name: 'Check your email' })).toBeVisible();
  await expect.poll(() => received().filter((m) => m.rcpt_tos.includes(email)).length, { timeout: 15_000 }).toBe(1);
  const mail = received().find((m) => m.rcpt_tos.includes(email))!;
  expect(mail.headers.Subject).toBe('Choose a new Mailroom password');
  const link = mail.body.split(/\s+/).find((w) => w.includes('/reset-password?token='))!;
  await fred.goto(link);
  await fred.getByLabel('New password').fill('a much better password');
  await fred.getByRole('button', { name: 'Save and sign in' }).click();
  await expect(fred.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
  await fred.goto(link);
  await expect(fred.getByRole('heading', { name: 'This link no longer works' })).toBeVisible();
  const again = await browser.newPage();
  await signIn(again, email, 'a much better password', '/account');
  await expect(again.getByRole('heading', { name: 'Your account' })).toBeVisible();
});

test('the Password reset template cannot lose its link, and Restore default brings back the shipped text', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('listbox', { name: 'Email templates' }).getByRole('option', { name: /^Password reset/ }).click();
  const text = page.getByLabel('Text body');
  await expect(text).toHaveValue(/\{\{ reset_link \}\}/);
  await text.fill('Hello {{ user.name }}, your password was reset.');
  await page.getByLabel('HTML body').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(text).toHaveAccessibleDescription(/Text body must include \{\{ reset_link \}\}/);

  await page.getByRole('button', { name: 'Restore default' }).click();
  const dialog = page.getByRole('dialog', { name: 'Restore default' });
  await expect(dialog).toContainText('its name and SMTP settings stay');
  await dialog.getByRole('button', { name: 'Restore default' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Restored “Password reset” to its default.' })).toBeVisible();
  await expect(text).toHaveValue(/\{\{ reset_link \}\}/);
  await expect(text).not.toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await expect(page.getByLabel('Text body')).toHaveValue(/\{\{ reset_link \}\}/);
});

test('Make default asks first for settings never tested or whose last test failed, not for tested ones', async ({ page }) => {
  await signInAsAdmin(page);
  await loopbackDefault(page);
  const untested = unique('Untested relay');
  await addSettings(page, { name: untested, host: 'smtp.example.com' });
  await page.getByRole('button', { name: 'Make default' }).click();
  const dialog = page.getByRole('dialog', { name: 'Make default' });
  await expect(dialog).toContainText(`“${untested}” has never been tested.`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('button', { name: 'Make default' })).toBeVisible();
  await expect(option(page, untested)).not.toContainText('Default');

  const tested = unique('Tested relay');
  await addPlainRelay(page, tested, SMTP_PORT);
  await page.getByRole('button', { name: 'Send test email' }).click();
  const test = page.getByRole('dialog', { name: 'Send test email' });
  await test.getByRole('button', { name: 'Send' }).click();
  await expect(test.getByRole('listitem', { name: 'Message accepted: done' })).toBeVisible();
  await test.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Make default' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'These are now the default SMTP settings.' })).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Make default' })).toBeHidden();
  await expect(option(page, tested)).toContainText('Default');
});
