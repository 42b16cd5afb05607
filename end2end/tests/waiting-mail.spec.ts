// Mail that keeps failing is visible: a banner on every page names the settings, since when,
// and how many mails wait, and the settings' row in the list is marked. This file runs last
// (files run in name order, one worker): it leaves mail waiting behind a busy relay.
import { expect, test } from '@playwright/test';
import { BASE_URL } from '../playwright.config';
import { addPlainRelay, busyServer, makeDefault, newApiToken, option, scan, signInAsAdmin, unique } from './helpers';

test.use({ bypassCSP: true });

test('mail waiting behind a failing relay raises a banner on every page and marks its row', async ({ page, request }) => {
  const relay = await busyServer();
  await signInAsAdmin(page);
  const name = unique('Busy relay');
  await addPlainRelay(page, name, relay.port);
  // The Invoice template sends through the default settings.
  await makeDefault(page, name);

  const token = await newApiToken(page);
  const response = await request.post(`${BASE_URL}/api/v1/messages`, {
    headers: { authorization: `Bearer ${token}` },
    data: {
      template: 'Invoice', to: 'grace@example.com',
      variables: { contact: { name: 'Grace' }, company: { name: 'Example Ltd' }, invoice: { number: 'INV-9', amount: '€90', due_date: 'Friday', url: 'https://example.com/9' } },
    },
  });
  expect(response.status()).toBe(202);

  // The banner appears on whatever page is opened next (each panel change looks again).
  const banner = page.getByRole('status', { name: 'Mail delivery is failing' });
  let next = 'Users';
  await expect(async () => {
    next = next === 'Users' ? 'Templates' : 'Users';
    await page.getByRole('link', { name: next }).click();
    await expect(banner).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(banner).toContainText(`Mail through “${name}” has been failing since`);
  await expect(banner).toContainText('1 mail is waiting.');

  await banner.getByRole('link', { name: 'Open the Delivery log' }).click();
  await expect(page.getByRole('heading', { name: 'Delivery log' })).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: 'grace@example.com' }).filter({ hasText: 'queued' })).toContainText('451');

  await page.getByRole('link', { name: 'SMTP Settings' }).click();
  await expect(option(page, name).getByRole('img', { name: /^Mail failing since .*, 1 waiting$/ })).toBeVisible();
  await scan(page, 'the failing-delivery banner and mark', async () => { await expect(banner).toBeVisible(); });
  relay.close();
});
