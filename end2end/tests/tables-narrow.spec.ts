// The table panels at 360 px: rows become cards with a label on each line, nothing scrolls
// sideways, and badges and buttons never wrap inside a word. Runs after the specs that fill
// these tables (files run in name order).
import { expect, test } from '@playwright/test';
import { ADMIN } from '../playwright.config';
import { signInAsAdmin } from './helpers';

const PANELS = ['Delivery log', 'Users', 'Audit log', 'API tokens'];

test('at 360 px every table panel fits the screen as cards', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await signInAsAdmin(page);
  for (const panel of PANELS) {
    await page.getByRole('navigation', { name: 'Panels' }).getByRole('link', { name: panel }).click();
    await expect(page.getByRole('heading', { name: panel, level: 1 })).toBeVisible();
    await expect(page.getByRole('row').nth(1), `${panel} has rows to show`).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${panel} scrolls sideways`).toBe(0);
    const wrapping = await page.evaluate(() =>
      [...document.querySelectorAll('main .badge, main button')]
        .filter((el) => getComputedStyle(el).whiteSpace !== 'nowrap')
        .map((el) => el.textContent));
    expect(wrapping, `${panel}: badges and buttons that could break inside a word`).toEqual([]);
    const label = await page.getByRole('cell').first().evaluate((cell) => getComputedStyle(cell, '::before').content);
    expect(label, `${panel}: each line of a card is labelled`).not.toBe('none');
  }
  await page.getByRole('navigation', { name: 'Panels' }).getByRole('link', { name: 'Users' }).click();
  const card = page.getByRole('row').filter({ hasText: ADMIN.email });
  await expect(card.getByRole('combobox')).toBeInViewport();
  await expect(card.getByRole('button', { name: /^Remove/ })).toBeInViewport();
});

test('at 1280 px the same panels stay tables', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Panels' }).getByRole('link', { name: 'Delivery log' }).click();
  await expect(page.getByRole('columnheader', { name: 'Status' })).toBeVisible();
  const label = await page.getByRole('cell').first().evaluate((cell) => getComputedStyle(cell, '::before').content);
  expect(label).toBe('none');
});
