// The SMTP password never comes back: no response the page receives contains it.
import { expect, test } from '@playwright/test';
import { addSettings, option, signInAsAdmin, unique } from './helpers';

test('the typed password appears in no response the page receives', async ({ page }) => {
  const canary = `canary-${Math.random().toString(36).slice(2)}-pw`;
  const bodies: string[] = [];
  page.on('response', async (response) => {
    try {
      bodies.push(await response.text());
    } catch {
      // Redirects and aborted requests have no body.
    }
  });
  await signInAsAdmin(page);
  const name = unique('Canary');
  await addSettings(page, { name, username: 'canary-user', password: canary });
  await page.reload();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
  await page.getByLabel('Filter').fill(name);
  await option(page, name).click();
  await page.getByLabel('From').fill('Changed');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();
  await expect(page.getByLabel('Password', { exact: true })).toHaveValue('');
  expect(bodies.length).toBeGreaterThan(5);
  for (const body of bodies) expect(body).not.toContain(canary);
  expect(await page.content()).not.toContain(canary);
});
