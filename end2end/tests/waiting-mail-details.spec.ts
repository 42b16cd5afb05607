// A mail opened from the Delivery log: where it stands ("attempt 2 of 8, next at …"), its
// message and attachment, every attempt with the server's reply; Retry now tries again at
// once, Cancel mail stops it. Then the log narrows by status. Runs late (files run in name
// order): it makes a busy relay the default for a while.
import { expect, test } from '@playwright/test';
import { BASE_URL } from '../playwright.config';
import { addPlainRelay, busyServer, makeDefault, newApiToken, scan, signInAsAdmin, unique } from './helpers';

test.use({ bypassCSP: true });

test('a waiting mail opens with its message and attempts, is retried now, then cancelled', async ({ page, request }) => {
  const relay = await busyServer();
  try {
    await signInAsAdmin(page);
    const name = unique('Busy relay');
    await addPlainRelay(page, name, relay.port);
    // The Invoice template sends through the default settings.
    await makeDefault(page, name);

    const token = await newApiToken(page);
    const recipient = `${unique('hopper').replace(' ', '.')}@example.com`;
    const response = await request.post(`${BASE_URL}/api/v1/messages`, {
      headers: { authorization: `Bearer ${token}` },
      data: {
        template: 'Invoice', to: recipient,
        variables: { contact: { name: 'Grace' }, company: { name: 'Example Ltd' }, invoice: { number: 'INV-7', amount: '€70', due_date: 'Monday', url: 'https://example.com/7' } },
        attachments: [{ filename: 'INV-7.pdf', content_type: 'application/pdf', content_base64: 'JVBERi0xLjQK' }],
      },
    });
    expect(response.status()).toBe(202);

    await page.getByRole('link', { name: 'Delivery log' }).click();
    const row = page.getByRole('row').filter({ hasText: recipient });
    await expect(row).toContainText('451 4.3.0 Too busy');
    await row.getByRole('cell', { name: recipient, exact: true }).click();
    const dialog = page.getByRole('dialog', { name: `Mail to ${recipient}` });
    await expect(dialog.getByRole('status')).toHaveText(/^Queued: attempt 2 of 8, next at /);
    await expect(dialog.getByRole('definition').filter({ hasText: recipient })).toHaveCount(1);
    await expect(dialog.getByLabel('Text part')).toContainText('Grace');
    await expect(dialog.getByRole('listitem')).toHaveText('INV-7.pdf (application/pdf, 9 bytes)');
    const attempts = dialog.getByRole('table').getByRole('row');
    await expect(attempts).toHaveCount(2);
    await expect(attempts.nth(1)).toContainText('failed, to be retried');
    await expect(attempts.nth(1)).toContainText(name);
    await scan(page, 'a mail opened from the Delivery log', async () => { await expect(dialog).toBeVisible(); });
    await page.setViewportSize({ width: 1280, height: 800 });

    await dialog.getByRole('button', { name: 'Retry now' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Mail to ${recipient} will be tried again now.` })).toBeVisible();
    await expect(attempts).toHaveCount(3);
    await expect(dialog.getByRole('status')).toHaveText(/^Queued: attempt 3 of 8, next at /);

    await dialog.getByRole('button', { name: 'Cancel mail' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Failed: Cancelled by Administrator before it was sent.');
    await expect(dialog.getByRole('button', { name: 'Retry now' })).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toContainText('failed');

    await page.getByLabel('Status').selectOption('sent');
    await expect(row).toHaveCount(0);
    await page.getByLabel('Status').selectOption('failed');
    await expect(row).toHaveCount(1);
    await row.getByRole('button', { name: `Details of the mail to ${recipient}` }).click();
    await expect(dialog.getByRole('status')).toHaveText('Failed: Cancelled by Administrator before it was sent.');
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  } finally {
    relay.close();
  }
});
