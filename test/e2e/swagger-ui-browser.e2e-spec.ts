import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, Locator, Page, chromium } from 'playwright-core';
import { createOrg } from '../support/orgs.js';
import { TestApp } from '../support/test-app.js';
import { developmentToken } from '../support/tokens.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where to keep a screenshot of each step (not kept unless set). */
const SCREENSHOTS = process.env.SWAGGER_SCREENSHOTS;

const chromiumMissing = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;

/** The operation's block in Swagger UI, found by its operationId (its element id is `operations-<tag>-<operationId>`). */
const operationBlock = (page: Page, operationId: string): Locator => page.locator(`.opblock[id$="-${operationId}"]`);

/** Expands the operation, presses Try it out, lets `fill` set inputs, presses Execute; returns the block. */
async function tryItOut(page: Page, block: Locator, fill: (block: Locator) => Promise<void> = async () => {}): Promise<Locator> {
  await block.locator('.opblock-summary-control').click();
  await block.locator('button.try-out__btn').click();
  await fill(block);
  await block.locator('button.execute').click();
  await block.locator('.live-responses-table .response-col_status').first().waitFor();
  return block;
}

/** The status and body of the answer Swagger UI shows under "Server response". */
async function shownAnswer(block: Locator): Promise<{ status: number; body: unknown }> {
  const live = block.locator('.live-responses-table tbody .response').first();
  const status = Number((await live.locator('.response-col_status').innerText()).trim());
  const body = JSON.parse(await live.locator('.response-col_description pre.microlight').first().innerText());
  return { status, body };
}

describe('Swagger UI in a real browser (headless Chromium)', { skip: chromiumMissing }, () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let token: string;
  let step = 0;

  /** The page, or one operation's block whole. */
  const screenshot = async (name: string, block?: Locator) => {
    if (!SCREENSHOTS) return;
    await mkdir(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${String(++step).padStart(2, '0')}-${name}.png`);
    await (block ? block.screenshot({ path }) : page.screenshot({ path }));
  };

  before(async () => {
    app = await TestApp.start();
    token = await developmentToken(app.config, { roles: ['IAM_OWNER'] });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
  });
  after(async () => {
    await browser?.close();
    await app.close();
  });

  it('opens /docs with its title, the description on minting a token, and no operation open', async () => {
    await page.goto(`${app.url}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    assert.equal(await page.title(), 'Login-policy factors API');
    assert.match(await page.locator('.swagger-ui .info .title').innerText(), /^Login-policy factors/);
    assert.match(await page.locator('.swagger-ui .info .description').innerText(), /npm run -s token -- --role IAM_OWNER/);
    await screenshot('docs');
  });

  it('Authorize with a minted token; the authorization is still there after a reload', async () => {
    await page.locator('.scheme-container button.authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.locator('input').fill(token);
    await screenshot('authorize-dialog');
    await dialog.locator('button.authorize').click();
    await dialog.locator('button.btn-done').click();
    const lock = operationBlock(page, 'AdminService_ListLoginPolicySecondFactors').locator('.authorization__btn');
    assert.equal(await lock.getAttribute('aria-label'), 'authorization button locked');

    await page.reload();
    await page.locator('.swagger-ui .info .title').waitFor();
    assert.equal(await lock.getAttribute('aria-label'), 'authorization button locked', 'persistAuthorization kept the token');
  });

  it('Try it out on the admin list of second factors: 200 and the default factors on the page', async () => {
    const block = await tryItOut(page, operationBlock(page, 'AdminService_ListLoginPolicySecondFactors'));
    await screenshot('admin-list', block);
    const { status, body } = await shownAnswer(block);
    assert.equal(status, 200);
    assert.deepEqual((body as { result: string[] }).result, ['SECOND_FACTOR_TYPE_OTP', 'SECOND_FACTOR_TYPE_U2F']);
    assert.match(await block.locator('.curl').innerText(), /-H 'Authorization: Bearer /);
  });

  it('Try it out on a Management remove with x-zitadel-orgid: the offered type works as it stands, 200 for that org', async () => {
    const orgId = await createOrg(app, token, 'Swagger Corp');
    const block = await tryItOut(page, operationBlock(page, 'ManagementService_RemoveSecondFactorFromLoginPolicy'), async (opened) => {
      assert.equal(await opened.locator('tr[data-param-name="type"] select').inputValue(), 'SECOND_FACTOR_TYPE_OTP', 'the offered type is not UNSPECIFIED');
      await opened.locator('tr[data-param-name="x-zitadel-orgid"] input').fill(orgId);
    });
    await screenshot('management-remove', block);
    const { status, body } = await shownAnswer(block);
    assert.equal(status, 200);
    assert.equal((body as { details: { resourceOwner: string } }).details.resourceOwner, orgId);
    const listed = await app.request('POST', '/management/v1/policies/login/second_factors/_search', { token, headers: { 'x-zitadel-orgid': orgId } });
    assert.deepEqual(listed.body.result, ['SECOND_FACTOR_TYPE_U2F'], 'the org got its copy of the default, without OTP');
  });

  it('Try it out on ListEvents with its example as it stands: 200 and the first events', async () => {
    const block = await tryItOut(page, operationBlock(page, 'AdminService_ListEvents'));
    await screenshot('list-events', block);
    const { status, body } = await shownAnswer(block);
    assert.equal(status, 200);
    assert.deepEqual((body as { events: { type: string }[] }).events[0].type, 'instance.added');
  });
});
