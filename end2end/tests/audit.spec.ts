// The Audit log panel: changes show up with who and what, and the filter narrows them.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { addSettings, signInAsAdmin, unique } from './helpers';

test('a change appears in the audit log and the filter finds it', async ({ page }) => {
  await signInAsAdmin(page);
  const name = unique('Audited relay');
  await addSettings(page, { name, host: 'smtp.audited.example', username: 'audit-user', password: 'audit-secret-pw' });
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  await page.getByLabel('Filter').fill(name);
  const row = page.getByRole('row').filter({ hasText: `SMTP settings “${name}”` });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('SMTP settings created');
  await expect(row).toContainText('Administrator <admin@example.com>');
  await expect(row).toContainText('Password: set');
  await expect(page.locator('body')).not.toContainText('audit-secret-pw');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^mailroom-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync(await download.path(), 'utf8');
  expect(csv.split('\r\n')[0]).toBe('Time,Who,Action,What,Details,From');
  expect(csv).toContain(`"SMTP settings created","SMTP settings “${name}”`);
  expect(csv.trim().split('\r\n')).toHaveLength(2);
  await page.getByLabel('Filter').fill('no entry matches this text');
  await expect(page.getByText('No entries match “no entry matches this text”.')).toBeVisible();
});

test('the audit log narrows to one action, one person and a date range', async ({ page }) => {
  await signInAsAdmin(page);
  const name = unique('Narrowed relay');
  await addSettings(page, { name });
  await page.getByRole('link', { name: 'Audit log' }).click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  const rows = page.getByRole('table').getByRole('row');

  await page.getByLabel('Action').selectOption('SMTP settings created');
  await page.getByLabel('Person').selectOption('Administrator <admin@example.com>');
  await expect(rows.filter({ hasText: 'signed in' })).toHaveCount(0);
  await expect(rows.filter({ hasText: `SMTP settings “${name}”` })).toHaveCount(1);
  for (const action of await rows.locator('td[data-label="Action"]').allTextContents()) {
    expect(action).toBe('SMTP settings created');
  }

  const today = new Date();
  const day = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
  await page.getByLabel('From date').fill(day(today));
  await page.getByLabel('To date').fill(day(today));
  await expect(rows.filter({ hasText: `SMTP settings “${name}”` })).toHaveCount(1);
  const tomorrow = new Date(today.getTime() + 86_400_000);
  await page.getByLabel('From date').fill(day(tomorrow));
  await page.getByLabel('To date').fill(day(tomorrow));
  await expect(page.getByText('No entries match these choices.')).toBeVisible();

  // Backwards: the refusal replaces the list rather than sitting above entries it no longer describes.
  await page.getByLabel('From date').fill(day(today));
  await expect(rows.filter({ hasText: `SMTP settings “${name}”` })).toHaveCount(1);
  await page.getByLabel('To date').fill(day(new Date(today.getTime() - 86_400_000)));
  await expect(page.getByRole('alert')).toHaveText('The end of the date range must come after its start.');
  await expect(rows.filter({ hasText: `SMTP settings “${name}”` })).toHaveCount(0);

  await page.getByLabel('Action').selectOption('All actions');
  await page.getByLabel('Person').selectOption('Everyone');
  await page.getByLabel('From date').fill('');
  await page.getByLabel('To date').fill('');
  await expect(rows.filter({ hasText: 'signed in' }).first()).toBeVisible();
});
