// The template editor: placeholders checked as you type (after a field is left), a preview that
// follows the form with sample data one can edit, the placeholders the template uses, focus
// on the first field at fault after a refused save, and Send test to oneself.
import { expect, test } from '@playwright/test';
import { SMTP_PORT } from '../playwright.config';
import { addPlainRelay, signInAsAdmin, unique } from './helpers';

test('a new template previews as it is typed, lists its placeholders, and is sent as a test', async ({ page }) => {
  await signInAsAdmin(page);
  const relay = unique('Template relay');
  await addPlainRelay(page, relay, SMTP_PORT);
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('button', { name: 'Add template' }).click();
  const name = unique('Shipping notice');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Subject').fill('Order {{ order.id }} has shipped');
  const text = page.getByLabel('Text body');
  await text.fill('Hello {{ customer.first_name }}, track it at {{ order.tracking_url }}.');
  await page.getByLabel('SMTP settings').selectOption({ label: relay });

  const preview = page.getByRole('region', { name: 'Preview' });
  await expect(preview.getByRole('status')).toHaveText('Up to date with the form.');
  await expect(preview).toContainText('Order [order.id] has shipped');
  await expect(preview.getByLabel('Text preview')).toHaveText('Hello [customer.first_name], track it at [order.tracking_url].');
  const uses = page.getByRole('table', { name: 'Placeholders this template uses' });
  await expect(uses.getByRole('row')).toHaveText([/customer\.first_name/, /order\.id/, /order\.tracking_url/]);
  await expect(page.getByRole('table', { name: 'Common placeholders' })).not.toContainText('reset_link');

  // Checked as you type once the field has been left, before any save.
  await text.fill('Reset it at {{ reset_link }}');
  await text.press('Tab');
  await expect(text).toHaveAccessibleDescription(/\{\{ reset_link \}\}, which only Mailroom's own account mail has/);
  await expect(preview.getByRole('status')).toHaveText('Out of date: fix the messages above to update it.');
  await text.fill('Hello {{ customer.first_name }}, track it at {{ order.tracking_url }}.');
  await expect(text).not.toHaveAttribute('aria-invalid', 'true');

  // Sample data of one's own.
  await page.getByText('Sample data', { exact: true }).click();
  await page.getByRole('button', { name: 'Fill in the samples used' }).click();
  await expect(page.getByLabel('Sample data (JSON)')).toHaveValue(/"tracking_url": "\[order\.tracking_url\]"/);
  await page.getByLabel('Sample data (JSON)').fill('{"order": {"id": "A-17", "tracking_url": "https://track.example/A-17"}, "customer": {"first_name": "Ada"}}');
  await expect(preview).toContainText('Order A-17 has shipped');
  await expect(preview.getByLabel('Text preview')).toHaveText('Hello Ada, track it at https://track.example/A-17.');
  await page.getByLabel('Sample data (JSON)').fill('{"order": ');
  await expect(page.getByLabel('Sample data (JSON)')).toHaveAccessibleDescription(/Sample data is not valid JSON/);
  await page.getByLabel('Sample data (JSON)').fill('{"order": {"id": "A-17", "tracking_url": "https://track.example/A-17"}, "customer": {"first_name": "Ada"}}');

  // A refused save puts focus on the field at fault.
  await page.getByLabel('Subject').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Subject')).toBeFocused();
  await expect(page.getByLabel('Subject')).toHaveAccessibleDescription('Subject is required.');
  await page.getByLabel('Subject').fill('Order {{ order.id }} has shipped');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();

  await page.getByRole('button', { name: 'Send test' }).click();
  // The toast region may still hold "Saved"; the test's own toast is the line that matters.
  const queued = page.getByRole('status').getByText(/^Test queued to admin@example\.com: follow mail #\d+ in the Delivery log\.$/);
  await expect(queued).toBeVisible();
  await page.getByRole('link', { name: 'Delivery log' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Order A-17 has shipped' });
  await expect(row).toContainText('admin@example.com');
  await expect(row).toContainText('sent');
});

test('the Password reset mail flags a placeholder Mailroom does not fill as soon as the field is left', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('listbox', { name: 'Email templates' }).getByRole('option', { name: /^Password reset/ }).click();
  const subject = page.getByLabel('Subject');
  const original = await subject.inputValue();
  await expect(page.getByRole('table', { name: 'Available' })).toContainText('reset_link');
  await subject.fill('Reset for {{ user.nmae }}');
  await subject.press('Tab');
  await expect(subject).toHaveAccessibleDescription(/^Subject uses unknown placeholder \{\{ user\.nmae \}\}: Mailroom fills only/);
  await expect(page.getByRole('button', { name: 'Send test' })).toBeDisabled();
  await expect(page.getByText('Save first: Send test sends the saved template.')).toBeVisible();
  await subject.fill(original);
  await expect(subject).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Send test' })).toBeEnabled();
});
