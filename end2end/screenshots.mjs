// Takes the README's screenshots of the SMTP Settings panel in both themes:
// node screenshots.mjs BASE_URL EMAIL PASSWORD OUT_DIR (against a running Mailroom with a few settings).
import { chromium } from 'playwright-core';

const [base, email, password, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
for (const colorScheme of ['light', 'dark']) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme });
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'SMTP Settings', level: 1 }).waitFor();
  await page.getByRole('listbox', { name: 'SMTP settings' }).getByRole('option').first().click();
  await page.getByRole('heading', { name: 'Edit SMTP Settings' }).waitFor();
  await page.screenshot({ path: `${out}/smtp-settings-${colorScheme}.png` });
  await page.close();
}
await browser.close();
