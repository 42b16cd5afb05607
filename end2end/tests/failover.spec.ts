// Backup settings in the panel: chosen from the list of other settings, shown on the backup's
// row, and a loop refused under the field.
import { expect, test } from '@playwright/test';
import { addSettings, option, saveSettings, signInAsAdmin, unique } from './helpers';

test('a backup is chosen by name, marked in the list, and a loop is refused under the field', async ({ page }) => {
  await signInAsAdmin(page);
  const [first, second] = [unique('Primary relay'), unique('Spare relay')];
  await addSettings(page, { name: second, host: 'spare.example.com' });
  await addSettings(page, { name: first, host: 'primary.example.com' });

  const backup = page.getByLabel('Backup settings');
  await expect(backup.getByRole('option', { name: new RegExp(first) })).toHaveCount(0);
  await backup.selectOption({ label: `${second} (spare.example.com:587)` });
  await saveSettings(page);
  await expect(page.getByRole('status').filter({ hasText: `Saved “${first}”.` })).toBeVisible();
  await page.reload();
  await expect(option(page, second)).toContainText('Backup');

  await option(page, second).click();
  await expect(page.getByRole('heading', { name: 'Edit SMTP Settings' })).toBeVisible();
  await page.getByLabel('Backup settings').selectOption({ label: `${first} (primary.example.com:587)` });
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByLabel('Backup settings')).toHaveAccessibleDescription(`This backup would make a loop (${second} → ${first} → ${second}); choose settings that do not lead back here.`);
});
