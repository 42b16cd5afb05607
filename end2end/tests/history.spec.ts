// History in the SMTP settings editor: a colleague breaks working settings, the administrator
// compares the working version with now, restores it, and a test email goes through again.
import { expect, test } from '@playwright/test';
import { SMTP_PORT } from '../playwright.config';
import { addPlainRelay, busyServer, signInAsNewAdmin, unique } from './helpers';

test('restore an old version, then send a test through it successfully', async ({ page }) => {
  const refusing = await busyServer('421 4.3.2 Service not available');
  try {
    await signInAsNewAdmin(page, 'History admin');
    const name = unique('Restorable relay');
    await addPlainRelay(page, name, SMTP_PORT);

    // Version 2 points at a relay that turns every sender away.
    await page.getByLabel('Port').fill(String(refusing.port));
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Saved “${name}”.` }).last()).toBeVisible();

    await page.getByRole('button', { name: 'History' }).click();
    await expect(page.getByRole('button', { name: 'History' })).toHaveAttribute('aria-expanded', 'true');
    const history = page.getByRole('region', { name: 'History' });
    const versions = history.getByRole('listitem');
    await expect(versions).toHaveCount(2);
    await expect(versions.nth(0)).toContainText('Version 2');
    await expect(versions.nth(0)).toContainText('Saved now');
    const first = history.getByRole('listitem', { name: 'Version 1' });
    await expect(first).toContainText('Created');

    await first.getByRole('button', { name: 'Compare with now' }).click();
    const diff = first.getByRole('table', { name: 'Version 1 compared with the version saved now' });
    const portRow = diff.getByRole('row', { name: /^Port/ });
    await expect(portRow.getByRole('cell').nth(0)).toHaveText(`“${SMTP_PORT}”`);
    await expect(portRow.getByRole('cell').nth(1)).toHaveText(`“${refusing.port}”`);

    await first.getByRole('button', { name: 'Restore this version' }).click();
    const dialog = page.getByRole('dialog', { name: 'Restore this version' });
    await expect(dialog).toContainText('Restore version 1? It is saved again as a new version, so nothing is lost.');
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await expect(page.getByRole('status').filter({ hasText: `Restored “${name}”; it is now version 3.` })).toBeVisible();
    await expect(page.getByLabel('Port')).toHaveValue(String(SMTP_PORT));
    await expect(versions).toHaveCount(3);
    await expect(history.getByRole('listitem', { name: 'Version 3' })).toContainText('Restored version 1');

    await page.getByRole('button', { name: 'Send test email' }).click();
    const test = page.getByRole('dialog', { name: 'Send test email' });
    await test.getByRole('button', { name: 'Send' }).click();
    await expect(test.getByRole('status').filter({ hasText: 'accepted for delivery' })).toContainText(`accepted for delivery to`);
    await test.getByRole('button', { name: 'Close' }).click();

    const restored = history.getByRole('listitem', { name: 'Version 3' });
    await expect(restored).toContainText('Test passed');
    await expect(restored).toContainText('Last known working');
    await expect(restored.getByRole('button', { name: 'Restore this version' })).toHaveCount(0);
  } finally {
    refusing.close();
  }
});
