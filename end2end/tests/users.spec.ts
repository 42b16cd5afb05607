// The Users panel: adding a person, changing their role, removing them, and a role change made
// from a list someone else has since changed.
import { expect, test, type Page } from '@playwright/test';
import { SMTP_PORT } from '../playwright.config';
import { addPlainRelay, signInAsAdmin, unique } from './helpers';

/** Chooses a role in the person's row and confirms with Change role. */
async function changeRole(page: Page, name: string, role: 'Administrator' | 'User') {
  await page.getByLabel(`Role of ${name}`).selectOption({ label: role });
  const dialog = page.getByRole('dialog', { name: 'Change role' });
  await expect(dialog).toContainText(`${name} will be signed out`);
  await dialog.getByRole('button', { name: 'Change role' }).click();
}

async function addUser(page: Page, name: string) {
  const email = `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Initial password').fill('a long enough password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Added ${name}.` })).toBeVisible();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
}

test('an administrator adds a user, promotes them and removes them', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const name = unique('Pat');
  await addUser(page, name);
  await changeRole(page, name, 'Administrator');
  await expect(page.getByRole('status').filter({ hasText: `${name} is now an administrator.` })).toBeVisible();

  await page.getByRole('button', { name: `Remove ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Remove ${name}`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(1);
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Removed ${name}.` })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(0);
});

test('a role change from a list someone has since changed is refused and says who', async ({ page, browser }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const name = unique('Sam');
  await addUser(page, name);

  const other = await browser.newPage();
  await signInAsAdmin(other);
  await other.getByRole('link', { name: 'Users' }).click();
  await changeRole(other, name, 'Administrator');
  await expect(other.getByRole('status').filter({ hasText: `${name} is now an administrator.` })).toBeVisible();
  await changeRole(other, name, 'User');
  await expect(other.getByRole('status').filter({ hasText: `${name} is now a user.` })).toBeVisible();

  // The first page still shows the list from before both changes; its change names the
  // version it was made from, is refused, and the list reloads with the other's choice.
  await changeRole(page, name, 'Administrator');
  await expect(page.getByRole('status').filter({ hasText: `changed ${name} at ` })).toBeVisible();
  await expect(page.getByLabel(`Role of ${name}`)).toHaveValue('user');
});

test('a role is never changed by the select alone: the keyboard or Cancel leaves it as it was', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const name = unique('Kim');
  await addUser(page, name);
  const role = page.getByLabel(`Role of ${name}`);
  await role.focus();
  await page.keyboard.press('ArrowUp');
  const dialog = page.getByRole('dialog', { name: 'Change role' });
  await expect(dialog).toContainText(`Make ${name} an administrator? ${name} will be signed out and must sign in again.`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(role).toHaveValue('user');
  await page.reload();
  await expect(page.getByLabel(`Role of ${name}`)).toHaveValue('user', { timeout: 10_000 });
});

test('an administrator edits a person, sends them a reset link, and reads what each role may do', async ({ page }) => {
  await signInAsAdmin(page);
  // The reset mail needs settings to go through (the first ones added become the default).
  await addPlainRelay(page, unique('Users relay'), SMTP_PORT);
  await page.getByRole('link', { name: 'Users' }).click();
  await expect(page.getByText(/^Administrators manage SMTP settings, templates, API tokens and users/)).toBeVisible();
  const name = unique('Lin');
  await addUser(page, name);
  const email = `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`;

  await page.getByRole('button', { name: `Edit ${name}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit ${name}` });
  await expect(dialog.getByLabel('Email address')).toHaveValue(email);
  await dialog.getByLabel('Email address').fill('not an address');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByLabel('Email address')).toBeFocused();
  await expect(dialog.getByLabel('Email address')).toHaveAccessibleDescription(/not a valid address/);
  const renamed = `${name} Chen`;
  const moved = `${name.toLowerCase().replace(/\s+/g, '.')}.chen@example.com`;
  await dialog.getByLabel('Name').fill(renamed);
  await dialog.getByLabel('Email address').fill(moved);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved ${renamed}.` })).toBeVisible();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: moved });
  await expect(row).toContainText(renamed);

  await row.getByRole('button', { name: `Send reset link to ${renamed}` }).click();
  await expect(page.getByRole('status').filter({ hasText: `Reset link sent to ${moved}; it works for 60 minutes.` })).toBeVisible();
  await page.getByRole('link', { name: 'Delivery log' }).click();
  await expect(page.getByRole('row').filter({ hasText: moved })).toContainText('Password reset');
});

test('an administrator invites someone by email instead of typing a password for them', async ({ page }) => {
  await signInAsAdmin(page);
  await addPlainRelay(page, unique('Invite relay'), SMTP_PORT);
  await page.getByRole('link', { name: 'Users' }).click();
  const name = unique('Noor');
  const email = `${name.toLowerCase().replace(/\s+/g, '.')}@example.com`;
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('radio', { name: /Email an invitation/ }).check();
  await expect(page.getByLabel('Initial password')).toHaveCount(0);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Invited ${name}: the link sent to ${email} works for 3 days.` })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Never');
  await page.getByRole('link', { name: 'Delivery log' }).click();
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('You are invited to Mailroom');
});
