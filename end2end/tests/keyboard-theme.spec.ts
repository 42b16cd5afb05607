// Keyboard alone, the dark theme, and 200% zoom: the seed flow without a mouse, the theme
// choice that follows the system unless told otherwise, and a form that still fits.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { ADMIN, SMTP_PORT } from '../playwright.config';
import { addSettings, option, signInAsAdmin, unique } from './helpers';

/** Presses Tab until `target` has focus (Shift+Tab with `back`); fails if it never does. */
async function tabTo(page: Page, target: Locator, back = false) {
  for (let i = 0; i < 60; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

async function typeInto(page: Page, field: Locator, text: string) {
  await tabTo(page, field);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(text);
}

async function focusIsVisible(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return el.matches(':focus-visible') && style.outlineStyle !== 'none' && style.outlineWidth !== '0px';
  });
}

test('the seed flow by keyboard alone: add, filter, test, delete with Yes', async ({ page }) => {
  await page.goto('/sign-in');
  await typeInto(page, page.getByLabel('Email address'), ADMIN.email);
  await typeInto(page, page.getByLabel('Password'), ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'SMTP Settings', level: 1 })).toBeVisible();

  const add = page.getByRole('button', { name: 'Add' });
  await tabTo(page, add);
  expect(await focusIsVisible(page), 'focus is visible').toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Add SMTP Settings' })).toBeVisible();
  const name = unique('Keyboard relay');
  await typeInto(page, page.getByLabel('Name', { exact: true }), name);
  await tabTo(page, page.getByLabel('Use STARTTLS Only'));
  await page.keyboard.press('Space');
  await expect(page.getByLabel('Use STARTTLS Only')).not.toBeChecked();
  await typeInto(page, page.getByLabel('Server Host Name'), '127.0.0.1');
  await typeInto(page, page.getByLabel('Port'), String(SMTP_PORT));
  await typeInto(page, page.getByLabel('Email Address'), 'keyboard@example.com');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` })).toBeVisible();

  await typeInto(page, page.getByLabel('Filter'), name);
  await expect(page.getByRole('status').filter({ hasText: /^1 of / })).toBeVisible();
  await tabTo(page, page.getByRole('listbox', { name: 'SMTP settings' }));
  expect(await focusIsVisible(page), 'the list shows its focus').toBe(true);
  await page.keyboard.press('Home');
  await expect(option(page, name)).toHaveAttribute('aria-selected', 'true');

  const sendTest = page.getByRole('button', { name: 'Send test email' });
  await tabTo(page, sendTest, true);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Send test email' });
  await expect(dialog).toBeVisible();
  await tabTo(page, dialog.getByRole('button', { name: 'Send' }));
  await page.keyboard.press('Enter');
  await expect(dialog.getByRole('listitem', { name: 'Message accepted: done' })).toBeVisible();
  await expect(dialog.getByRole('status').filter({ hasText: 'Message accepted: done' })).toBeAttached();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(sendTest, 'focus returns to the button that opened the dialog').toBeFocused();

  await tabTo(page, page.getByRole('button', { name: 'Delete' }));
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('dialog', { name: 'Delete SMTP Settings' });
  await expect(confirm.getByRole('button', { name: 'No' })).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(confirm.getByRole('button', { name: 'Yes' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: `Deleted “${name}”.` })).toBeVisible();
  await expect(option(page, name)).toHaveCount(0);
});

test('a dialog keeps focus inside while open', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('button', { name: 'Add' }).click();
  const name = unique('Trap');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Server Host Name').fill('smtp.example.com');
  await page.getByLabel('Email Address').fill('trap@example.com');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();
  await page.getByRole('button', { name: 'Send test email' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send test email' });
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `Tab ${i + 1} stays in the dialog`).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});

test('the theme follows the system until chosen, and the choice is remembered', async ({ page, context }) => {
  await signInAsAdmin(page);
  const ground = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await ground()).toBe('rgb(17, 24, 39)');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await ground()).toBe('rgb(243, 244, 246)');

  const theme = page.getByLabel('Theme');
  await theme.selectOption({ label: 'Dark' });
  expect(await ground(), 'the choice wins over the light system').toBe('rgb(17, 24, 39)');
  await page.getByRole('button', { name: 'Add' }).click();
  const required = page.getByLabel('Name', { exact: true });
  await expect(required).toHaveCSS('border-left-color', 'rgb(248, 113, 113)');
  await expect(required).toHaveCSS('border-left-width', '4px');

  const later = await context.newPage();
  await later.goto('/smtp-settings');
  await expect(later.getByRole('heading', { name: 'SMTP Settings', level: 1 })).toBeVisible();
  expect(await later.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), 'remembered per browser').toBe('rgb(17, 24, 39)');
  await expect(later.getByLabel('Theme')).toHaveValue('dark');
  await later.close();

  await theme.selectOption({ label: 'As the system' });
  expect(await ground()).toBe('rgb(243, 244, 246)');
});

for (const [width, height, why] of [[640, 400, 'at 200% zoom on a 1280 px screen'], [360, 740, 'on a 360 px phone']] as const) {
  test(`${why} the form fits without scrolling sideways`, async ({ page }) => {
    // 200% zoom of 1280 × 800 is a 640 × 400 CSS-pixel viewport.
    await page.setViewportSize({ width, height });
    await signInAsAdmin(page);
    await page.getByRole('button', { name: 'Add' }).click();
    await expect(page.getByRole('heading', { name: 'Add SMTP Settings' })).toBeVisible();
    const overflow = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      form: Math.max(...[...document.querySelectorAll('form')].map((f) => f.scrollWidth - f.clientWidth)),
    }));
    expect(overflow).toEqual({ page: 0, form: 0 });
    await page.getByLabel('Name', { exact: true }).fill('Zoomed');
    const save = page.getByRole('button', { name: 'Save' });
    await save.scrollIntoViewIfNeeded();
    await expect(save).toBeInViewport();
  });
}

test('a skip link leads past the top bar to the panel', async ({ page }) => {
  await signInAsAdmin(page);
  const skip = page.getByRole('link', { name: 'Skip to main content' });
  await expect(skip, 'out of sight until it has focus').not.toBeInViewport();
  await page.keyboard.press('Tab');
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('main')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Add' })).toBeFocused();
  expect(new URL(page.url()).hash).toBe('');
});

test('in the list a letter jumps to the next name starting with it, Enter moves into the editor, read-only facts are no Tab stops', async ({ page }) => {
  await signInAsAdmin(page);
  const tag = unique('ta').replace(' ', '');
  for (const first of ['Maple', 'Jade', 'Juniper']) {
    await addSettings(page, { name: `${first} ${tag}` });
  }
  await page.getByLabel('Filter').fill(tag);
  await expect(page.getByRole('status').filter({ hasText: /^3 of / })).toBeVisible();
  await page.getByRole('listbox', { name: 'SMTP settings' }).focus();
  await page.keyboard.press('m');
  await expect(option(page, `Maple ${tag}`)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(option(page, `Jade ${tag}`)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('J');
  await expect(option(page, `Juniper ${tag}`)).toHaveAttribute('aria-selected', 'true');
  const name = page.getByLabel('Name', { exact: true });
  await expect(name, 'the editor shows the selection').toHaveValue(`Juniper ${tag}`);
  await page.keyboard.press('Enter');
  await expect(name).toBeFocused();
  await expect(name).toHaveValue(`Juniper ${tag}`);

  await page.getByRole('button', { name: 'Save' }).focus();
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).readOnly === true), `Tab ${i + 1}`).toBe(false);
  }
  await expect(page.getByLabel('Created')).toBeVisible();
});
