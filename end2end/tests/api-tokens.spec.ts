// The API tokens panel: what tokens are for when there are none, and copying a new one.
// Runs before pipeline.spec.ts (files run in name order), while no token exists yet.
import { expect, test } from '@playwright/test';
import { signInAsAdmin, unique } from './helpers';

test('an empty panel says what tokens are for, and a new token can be copied', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByText('No API tokens yet. Create one for each application')).toBeVisible();
  await expect(page.getByRole('table')).toBeHidden();

  await page.getByLabel('Name').fill(unique('Billing system'));
  await page.getByRole('button', { name: 'Create token' }).click();
  const token = await page.getByLabel('New API token').inputValue();
  expect(token).toMatch(/^mr_/);
  await page.getByRole('button', { name: 'Copy' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Copied the token.' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.getByText('No API tokens yet.')).toBeHidden();
  await expect(page.getByRole('table')).toBeVisible();
});
