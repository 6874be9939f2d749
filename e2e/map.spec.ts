import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { taggedJpeg } from '../models/tagged-photo';
import { expect, test } from './fixtures';

/** A phone-style JPEG taken at Sydney Opera House (33°51′24″ S, 151°12′54″ E). */
function sydneyJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 96, height: 64, channels: 3, background: '#c84' } })
    .withExif({ IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '33/1 51/1 24/1', GPSLongitudeRef: 'E', GPSLongitude: '151/1 12/1 54/1' } })
    .jpeg()
    .toBuffer();
}

test('the map shows a marker per photo with a location, and a click opens the photo’s details', async ({ page, libraryStudio }) => {
  test.setTimeout(90_000);
  const dir = await mkdtemp(join(tmpdir(), 'studio-map-'));
  await writeFile(join(dir, 'harbour.jpg'), await taggedJpeg());
  await writeFile(join(dir, 'opera.jpg'), await sydneyJpeg());
  await sharp({ create: { width: 64, height: 64, channels: 3, background: '#888' } }).png().toFile(join(dir, 'no-location.png'));

  await page.goto(libraryStudio.url);
  await page.getByLabel('Folder to add').fill(dir);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await expect(page.locator('[data-item-id][title$="no-location.png"]')).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('[data-item-id][title$="opera.jpg"]')).toBeVisible();
  // Only this folder, so photos other tests left in the shared studio do not count.
  await page.locator(`[data-root="${dir}"] button.path`).click();

  await page.getByRole('button', { name: 'Map', exact: true }).click();
  const map = page.getByTestId('photo-map');
  await expect(map).toHaveAttribute('data-base', 'offline');
  await expect(page.getByTestId('map-count')).toHaveText('2 photos with a location under these filters');
  // Paris and Sydney are far apart: two markers, each the photo's own, and none for the photo without GPS.
  await expect(map.locator('.map-marker')).toHaveCount(2);
  await expect(map.locator('.map-marker[title="harbour.jpg"]')).toBeVisible();
  await expect(map.locator('.map-marker[title="opera.jpg"]')).toBeVisible();
  // The offline base layer: country outlines drawn as SVG paths, no tiles fetched.
  expect(await map.locator('path.map-land').count()).toBeGreaterThan(100);
  await expect(map.locator('img.leaflet-tile')).toHaveCount(0);

  await map.locator('.map-marker[title="opera.jpg"]').click();
  await page.getByTestId('map-photo').filter({ has: page.getByAltText('opera.jpg') }).click();
  const details = page.getByRole('complementary', { name: 'Details' });
  await expect(details).toContainText('opera.jpg');
  await expect(details).toContainText('33.85667° S, 151.21500° E');

  // Back to the grid.
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await expect(page.getByTestId('grid')).toBeVisible();

  // "Online map tiles" (Settings; reloads the page): the map asks OpenStreetMap for tiles, and the page's policy allows them.
  await page.getByRole('button', { name: 'Settings' }).click();
  const online = page.getByRole('region', { name: 'Map settings' }).getByLabel('Online map tiles');
  await expect(online).not.toBeChecked();
  const reloaded = page.waitForEvent('load');
  await online.check();
  await reloaded;
  await page.getByRole('button', { name: 'Library', exact: true }).click();
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await expect(map).toHaveAttribute('data-base', 'online');
  await expect(map.locator('img.leaflet-tile').first()).toHaveAttribute('src', /^https:\/\/tile\.openstreetmap\.org\//);
  expect(await map.locator('path.map-land').count()).toBe(0);
  await page.getByRole('button', { name: 'Settings' }).click();
  const back = page.waitForEvent('load');
  await page.getByRole('region', { name: 'Map settings' }).getByLabel('Online map tiles').uncheck();
  await back;

  // Leave the shared studio as it was.
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: `Remove ${dir} from the library` }).click();
  await expect(page.getByRole('button', { name: `Remove ${dir} from the library` })).toBeHidden();
  await rm(dir, { recursive: true, force: true });
});
