// The Users panel: adding a person, changing their role, removing them, and a role change made
// from a list someone else has since changed.
import { expect, test, type Page } from '@playwright/test';
import { signInAsAdmin, unique } from './helpers';

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
  await page.getByLabel(`Role of ${name}`).selectOption({ label: 'Administrator' });
  await expect(page.getByRole('status').filter({ hasText: `${name} is now an administrator.` })).toBeVisible();

  await page.getByRole('button', { name: `Remove ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`Remove ${name}`);
  await dialog.getByRole('button', { name: 'No' }).click();
  await expect(page.getByRole('row').filter({ hasText: name })).toHaveCount(1);
  await page.getByRole('button', { name: `Remove ${name}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Yes' }).click();
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
  await other.getByLabel(`Role of ${name}`).selectOption({ label: 'Administrator' });
  await expect(other.getByRole('status').filter({ hasText: `${name} is now an administrator.` })).toBeVisible();
  await other.getByLabel(`Role of ${name}`).selectOption({ label: 'User' });
  await expect(other.getByRole('status').filter({ hasText: `${name} is now a user.` })).toBeVisible();

  // The first page still shows the list from before both changes; its change names the
  // version it was made from, is refused, and the list reloads with the other's choice.
  await page.getByLabel(`Role of ${name}`).selectOption({ label: 'Administrator' });
  await expect(page.getByRole('status').filter({ hasText: `changed ${name} at ` })).toBeVisible();
  await expect(page.getByLabel(`Role of ${name}`)).toHaveValue('user');
});
