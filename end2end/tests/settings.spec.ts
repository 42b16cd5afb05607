// The SMTP Settings screen, clicked through as an administrator would.
import { expect, test } from '@playwright/test';
import { addSettings, option, saveSettings, signInAsAdmin, unique } from './helpers';

test.beforeEach(async ({ page }) => {
  await signInAsAdmin(page);
});

test('add settings: the list updates in place and the URL names them', async ({ page }) => {
  const name = unique('Office relay');
  await addSettings(page, { name, host: 'smtp.office365.com', username: 'billing@example.com', password: 'pw-123', from: 'Billing' });
  await expect(page).toHaveURL(/\/smtp-settings\/\d+$/);
  await expect(option(page, name)).toHaveAttribute('aria-selected', 'true');
  await expect(option(page, name)).toContainText('smtp.office365.com:587');
  await expect(page.getByLabel('Created')).toHaveAttribute('readonly', '');
  await expect(page.getByLabel('Created')).toHaveCSS('color', 'rgb(126, 34, 206)');
  await expect(page.getByLabel('Name', { exact: true })).toHaveCSS('border-left-color', 'rgb(220, 38, 38)');
});

test('fields are labelled in the order of the help page, required ones marked', async ({ page }) => {
  await page.getByRole('button', { name: 'Add' }).click();
  // The Provider choice comes first, and Authentication before the password: neither is a help page field.
  const labels = (await page.locator('form.editor label').allTextContents()).filter((l) => !['Provider', 'Authentication'].includes(l));
  expect(labels.slice(0, 8)).toEqual(['Name', 'Use STARTTLS Only', 'Server Host Name', 'Port', 'From', 'Email Address', 'Username', 'Password']);
  for (const required of ['Name', 'Server Host Name', 'Port', 'Email Address']) {
    await expect(page.getByLabel(required, { exact: true })).toHaveAttribute('aria-required', 'true');
  }
  for (const optional of ['From', 'Username']) {
    await expect(page.getByLabel(optional, { exact: true })).not.toHaveAttribute('aria-required', 'true');
  }
});

test('validation messages appear under their field as you type, after the first blur', async ({ page }) => {
  await page.getByRole('button', { name: 'Add' }).click();
  const port = page.getByLabel('Port');
  await port.fill('70000');
  await expect(page.getByText('Port must be a whole number from 1 to 65535')).toHaveCount(0);
  await port.blur();
  await expect(port).toHaveAccessibleDescription(/Port must be a whole number from 1 to 65535/);
  await port.fill('465');
  await expect(port).not.toHaveAttribute('aria-invalid', 'true');
  const host = page.getByLabel('Server Host Name');
  await host.fill('smtp.example.com:587');
  await host.blur();
  await expect(host).toHaveAccessibleDescription(/put the port in the Port field/);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveAccessibleDescription(/Name is required/);
  await expect(page.getByLabel('Email Address')).toHaveAccessibleDescription(/Email Address is required/);
  await expect(page.getByLabel('Name', { exact: true })).toBeFocused();
});

test('a name already in use is flagged before saving, ignoring case', async ({ page }) => {
  const name = unique('Mailgun');
  await addSettings(page, { name });
  await page.getByRole('button', { name: 'Add' }).click();
  const field = page.getByLabel('Name', { exact: true });
  await field.fill(name.toUpperCase());
  await field.blur();
  await expect(field).toHaveAccessibleDescription(`Another SMTP settings is already named “${name}”; choose a different name.`);
});

test('edit: changes are saved, persisted across reload, and the password stays write-only', async ({ page }) => {
  const name = unique('Sendgrid');
  await addSettings(page, { name, username: 'apikey', password: 'sg-secret' });
  const password = page.getByLabel('Password', { exact: true });
  await expect(password).toHaveValue('');
  await expect(password).toHaveAttribute('placeholder', '•••••••• (saved)');
  await page.getByLabel('From').fill('Accounts team');
  await saveSettings(page);
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('From')).toHaveValue('Accounts team');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAttribute('placeholder', '•••••••• (saved)');
});

test('changing the server asks for the password again; Clear password removes it', async ({ page }) => {
  const name = unique('Relay');
  await addSettings(page, { name, username: 'relay', password: 'relay-secret' });
  await page.getByLabel('Server Host Name').fill('other.example.net');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/saved password will not be sent there/);
  await page.getByLabel('Username').fill('');
  await page.getByLabel('Clear password').check();
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).not.toHaveAttribute('placeholder', /saved/);
  await expect(page.getByLabel('Clear password')).toHaveCount(0);
});

test('filter: live, case-insensitive, counts, empty state, Escape clears', async ({ page }) => {
  const tag = unique('zz').replace(' ', '');
  await addSettings(page, { name: `${tag} Alpha`, host: 'alpha.example.com' });
  await addSettings(page, { name: `${tag} Beta`, host: 'beta.example.com', username: 'beta-user', password: 'pw' });
  const filter = page.getByLabel('Filter');
  await filter.fill(tag.toUpperCase());
  await expect(page.getByRole('listbox', { name: 'SMTP settings' }).getByRole('option')).toHaveCount(2);
  await expect(page.getByText(/^2 of \d+$/)).toBeVisible();
  await filter.fill('BETA-USER');
  const rows = page.getByRole('listbox', { name: 'SMTP settings' }).getByRole('option');
  await expect(option(page, `${tag} Beta`)).toBeVisible();
  await expect(rows).toHaveCount(1);
  await filter.fill('beta.example.com');
  await expect(rows).toHaveCount(1);
  await filter.fill(`${tag} nothing`);
  await expect(page.getByText(`No SMTP settings match “${tag} nothing”.`)).toBeVisible();
  await filter.press('Escape');
  await expect(filter).toHaveValue('');
  await expect(page.getByText(/^Showing all \d+$/)).toBeVisible();
});

test('delete: No and Escape change nothing, Yes deletes and selects nothing', async ({ page }) => {
  const name = unique('Doomed');
  await addSettings(page, { name });
  const del = page.getByRole('button', { name: 'Delete' });
  await del.click();
  const dialog = page.getByRole('dialog', { name: 'Delete SMTP Settings' });
  await expect(dialog).toContainText(`Delete the SMTP settings “${name}”?`);
  await dialog.getByRole('button', { name: 'No' }).click();
  await expect(dialog).toBeHidden();
  await expect(option(page, name)).toBeVisible();
  await del.click();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(option(page, name)).toBeVisible();
  await del.click();
  await dialog.getByRole('button', { name: 'Yes' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Deleted “${name}”.` })).toBeVisible();
  await expect(option(page, name)).toHaveCount(0);
  await expect(page).toHaveURL(/\/smtp-settings$/);
  await expect(page.getByRole('button', { name: 'Delete' })).toBeDisabled();
});

test('deep links, reload, back and forward, and an unknown id', async ({ page }) => {
  const first = unique('First');
  const second = unique('Second');
  await addSettings(page, { name: first });
  const firstUrl = page.url();
  await addSettings(page, { name: second });
  const secondUrl = page.url();
  await page.goBack();
  await expect(page).toHaveURL(firstUrl);
  await page.goto(firstUrl);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(first);
  await option(page, second).click();
  await expect(page).toHaveURL(secondUrl);
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(second);
  await page.goBack();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(first);
  await page.goForward();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(second);
  await page.reload();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(second);
  await page.goto('/smtp-settings/999999');
  await expect(page.getByRole('alert')).toContainText('SMTP settings not found');
});

test('unsaved changes: switching asks first; Keep editing stays, Discard changes leaves', async ({ page }) => {
  const a = unique('Keep');
  const b = unique('Other');
  await addSettings(page, { name: a });
  await addSettings(page, { name: b });
  await page.getByLabel('From').fill('Unsaved edit');
  await option(page, a).click();
  const dialog = page.getByRole('dialog', { name: 'Unsaved changes' });
  await expect(dialog).toContainText(`unsaved changes to the SMTP settings “${b}”`);
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByLabel('From')).toHaveValue('Unsaved edit');
  await page.goBack();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Keep editing' }).click();
  await expect(page.getByLabel('From')).toHaveValue('Unsaved edit');
  await option(page, a).click();
  await dialog.getByRole('button', { name: 'Discard changes' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(a);
});

test('keyboard: the list moves with arrow keys', async ({ page }) => {
  const tag = unique('kb').replace(' ', '');
  for (const n of ['1', '2', '3']) await addSettings(page, { name: `${tag} ${n}` });
  await page.getByLabel('Filter').fill(tag);
  const list = page.getByRole('listbox', { name: 'SMTP settings' });
  await option(page, `${tag} 1`).click();
  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(`${tag} 2`);
  await page.keyboard.press('End');
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(`${tag} 3`);
  await page.keyboard.press('Home');
  await expect(option(page, `${tag} 1`)).toHaveAttribute('aria-selected', 'true');
});

test('narrow screens stack the panels', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await page.getByRole('button', { name: 'Add' }).click();
  const list = await page.getByRole('heading', { name: 'SMTP Settings', level: 1 }).boundingBox();
  const editor = await page.getByRole('heading', { name: 'Add SMTP Settings' }).boundingBox();
  expect(editor!.y).toBeGreaterThan(list!.y + 100);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width).toBeLessThanOrEqual(360);
});

test('contradictions show as you type: port 465 with STARTTLS Only, and a password that must be typed again', async ({ page }) => {
  await addSettings(page, { name: unique('Contradiction'), username: 'billing', password: 'first-password' });
  const conflict = page.getByRole('status').filter({ hasText: 'Port 465 expects TLS from the first byte' });
  await expect(conflict).toHaveCount(0);
  const port = page.getByLabel('Port');
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/Leave empty to keep the saved password/);
  await port.fill('465');
  await expect(conflict).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/changed, so the saved password will not be sent: type it again/);
  await page.getByLabel('Use STARTTLS Only').uncheck();
  await expect(conflict).toHaveCount(0);
  await port.fill('587');
  await page.getByLabel('Use STARTTLS Only').check();
  await expect(page.getByLabel('Password', { exact: true })).toHaveAccessibleDescription(/Leave empty to keep the saved password/);
});
