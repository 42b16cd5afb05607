// Signing in and out, returning to a deep link, the first-run setup link, and plain users.
import { expect, test } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { addSettings, serverWithoutAdmin, signIn, signInAsAdmin, unique } from './helpers';

test('sign in, then sign out', async ({ page }) => {
  await signInAsAdmin(page);
  await expect(page.getByText('Administrator', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('heading', { name: 'Sign in to Mailroom' })).toBeVisible();
  await page.goto('/smtp-settings');
  await expect(page.getByRole('heading', { name: 'Sign in to Mailroom' })).toBeVisible();
});

test('a wrong password is refused without saying which part was wrong', async ({ page }) => {
  await signIn(page, ADMIN.email, 'not my password');
  await expect(page.getByRole('alert')).toHaveText('The email address or password is not correct.');
  await expect(page.getByLabel('Password')).toHaveValue('');
});

test('a deep link opened while signed out returns there after sign-in', async ({ page, browser }) => {
  await signInAsAdmin(page);
  const name = unique('Deep link');
  await addSettings(page, { name });
  const url = page.url();
  const fresh = await browser.newPage();
  await fresh.goto(url);
  await expect(fresh).toHaveURL(/\/sign-in\?next=\/smtp-settings\/\d+$/);
  await fresh.getByLabel('Email address').fill(ADMIN.email);
  await fresh.getByLabel('Password').fill(ADMIN.password);
  await fresh.getByRole('button', { name: 'Sign in' }).click();
  await expect(fresh).toHaveURL(url);
  await expect(fresh.getByLabel('Name', { exact: true })).toHaveValue(name);
});

test('a plain user sees the administrators-only page', async ({ page, browser }) => {
  await signInAsAdmin(page);
  await page.getByRole('link', { name: 'Users' }).click();
  const email = `${unique('user').replace(' ', '')}@example.com`;
  await page.getByLabel('Name').fill('Pat Plain');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Initial password').fill('a plain user password');
  await page.getByRole('button', { name: 'Add user' }).click();
  await expect(page.getByRole('cell', { name: email })).toBeVisible();
  const other = await browser.newPage();
  await signIn(other, email, 'a plain user password');
  await expect(other.getByRole('heading', { name: 'Administrators only' })).toBeVisible();
  await expect(other.getByRole('link', { name: 'Users' })).toHaveCount(0);
});

test('the first-run setup link creates the administrator once', async ({ page }) => {
  const { link, stop } = await serverWithoutAdmin(3918);
  try {
    await page.goto(link);
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email address').fill('ada@example.com');
    await page.getByLabel('Password').fill('analytical engine 1843');
    await page.getByRole('button', { name: 'Create administrator' }).click();
    await expect(page.getByRole('heading', { name: 'SMTP Settings', level: 1 })).toBeVisible();
    await expect(page.getByText('Ada Lovelace')).toBeVisible();
    await page.goto(link);
    await expect(page.getByRole('heading', { name: 'This setup link no longer works' })).toBeVisible();
  } finally {
    stop();
  }
});
