// Resend in the Delivery log: after a mail failed through broken settings and the template now
// sends through working ones, Resend goes through those, counts the attempt, and announces
// the outcome when it comes.
import { expect, test } from '@playwright/test';
import { BASE_URL, SMTP_PORT } from '../playwright.config';
import { addPlainRelay, busyServer, makeDefault, newApiToken, signInAsAdmin, unique } from './helpers';

test('Resend sends a failed mail through the template\'s current settings and says how it went', async ({ page, request }) => {
  const refusing = await busyServer('550 5.7.1 Relaying denied');
  try {
    await signInAsAdmin(page);
    const broken = unique('Broken relay');
    await addPlainRelay(page, broken, refusing.port);
    await makeDefault(page, broken);

    const token = await newApiToken(page);
    const recipient = `${unique('ada').replace(' ', '.')}@example.com`;
    const response = await request.post(`${BASE_URL}/api/v1/messages`, {
      headers: { authorization: `Bearer ${token}` },
      data: { template: 'Invoice', to: recipient,
        variables: { contact: { name: 'Ada' }, company: { name: 'Example Ltd' }, invoice: { number: 'INV-7', amount: '€70', due_date: 'Monday', url: 'https://example.com/7' } } },
    });
    expect(response.status()).toBe(202);

    await page.getByRole('link', { name: 'Delivery log' }).click();
    const row = page.getByRole('row').filter({ hasText: recipient });
    await expect(row).toContainText('failed');
    await expect(row).toContainText('550 5.7.1 Relaying denied');

    // The template follows the default settings: point it at a working relay.
    await page.getByRole('link', { name: 'SMTP Settings' }).click();
    const working = unique('Working relay');
    await addPlainRelay(page, working, SMTP_PORT);
    await makeDefault(page, working);

    await page.getByRole('link', { name: 'Delivery log' }).click();
    await row.getByRole('button', { name: `Resend to ${recipient}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Resend mail' });
    await expect(dialog).toContainText('1 attempt so far');
    await expect(dialog.getByLabel('Send through')).toHaveValue('');
    await expect(dialog.getByLabel('Send through').getByRole('option', { name: new RegExp(working) })).toHaveCount(1);
    await dialog.getByRole('button', { name: 'Resend' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Mail to ${recipient} queued again through “${working}”.` })).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: `Mail to ${recipient} was sent through “${working}”.` })).toBeVisible();
    await expect(row).toContainText('sent');
    await expect(row.getByRole('cell', { name: '2', exact: true })).toBeVisible();
    await expect(row.getByRole('button', { name: /Resend/ })).toHaveCount(0);
  } finally {
    refusing.close();
  }
});
