// The one single-use token scheme (src/platform/tokens.ts) against the real database.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { QueryTypes } from 'sequelize';
import { GoneError, NotFoundError } from '../../src/platform/errors.js';
import { testContext } from '../helpers/app.js';

const HOUR = 3600_000;
let subject = 900_000_000 + (process.pid % 1000) * 1000;
const nextSubject = () => ++subject;

async function refusal(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a refusal');
}

describe('single-use tokens', () => {
  it('stores only the SHA-256 of a 32-byte secret, and verifies it without using it', async () => {
    const { platform } = await testContext();
    const subjectId = nextSubject();
    const { token, record } = await platform.tokens.issue({ purpose: 'test_link', subjectId, ttlMs: HOUR });
    expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).to.have.length(32);
    const [row] = await platform.sequelize.query<Record<string, unknown>>('SELECT * FROM single_use_tokens WHERE id = :id', { replacements: { id: record.id }, type: QueryTypes.SELECT });
    expect(row.token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.to.contain(token);
    expect((await platform.tokens.check('test_link', token)).subjectId).to.equal(subjectId);
    expect((await platform.tokens.check('test_link', token)).usedAt).to.equal(null);
  });

  it('is used once: the second use is Gone (410), a token of another purpose or an unknown one is Not Found', async () => {
    const { platform } = await testContext();
    const { token } = await platform.tokens.issue({ purpose: 'test_link', subjectId: nextSubject(), ttlMs: HOUR });
    expect(await refusal(platform.tokens.consume('other_link', token))).to.be.instanceOf(NotFoundError);
    expect(await refusal(platform.tokens.consume('test_link', 'x'.repeat(43)))).to.be.instanceOf(NotFoundError);
    expect(await refusal(platform.tokens.consume('test_link', '../../etc'))).to.be.instanceOf(NotFoundError);
    await platform.tokens.consume('test_link', token);
    const again = await refusal(platform.tokens.consume('test_link', token));
    expect(again).to.be.instanceOf(GoneError);
    expect((again as GoneError).status).to.equal(410);
    expect((again as GoneError).reason).to.equal('used');
    expect(((await refusal(platform.tokens.check('test_link', token))) as GoneError).reason).to.equal('used');
  });

  it('two simultaneous uses: exactly one wins', async () => {
    const { platform } = await testContext();
    const { token } = await platform.tokens.issue({ purpose: 'test_link', subjectId: nextSubject(), ttlMs: HOUR });
    const results = await Promise.allSettled([0, 1, 2].map(() => platform.sequelize.transaction((t) => platform.tokens.consume('test_link', token, {}, t))));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof GoneError)).to.equal(true);
  });

  it('a rollback of the transaction that used it gives the link back', async () => {
    const { platform } = await testContext();
    const { token } = await platform.tokens.issue({ purpose: 'test_link', subjectId: nextSubject(), ttlMs: HOUR });
    const failed = await refusal(
      platform.sequelize.transaction(async (t) => {
        await platform.tokens.consume('test_link', token, {}, t);
        throw new Error('the change it allowed failed');
      }),
    );
    expect((failed as Error).message).to.equal('the change it allowed failed');
    expect((await platform.tokens.consume('test_link', token)).usedAt).to.be.instanceOf(Date);
  });

  it('expires, and a newer link of the same purpose and subject revokes the older one', async () => {
    const { platform } = await testContext();
    const subjectId = nextSubject();
    const { token: short } = await platform.tokens.issue({ purpose: 'test_link', subjectId, ttlMs: HOUR });
    await platform.sequelize.query(`UPDATE single_use_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = :h`, {
      replacements: { h: createHash('sha256').update(short).digest('hex') },
    });
    const expired = (await refusal(platform.tokens.consume('test_link', short, { expired: 'common:gone.expired' }))) as GoneError;
    expect(expired.reason).to.equal('expired');
    expect(expired.message).to.equal('common:gone.expired');

    const { token: first } = await platform.tokens.issue({ purpose: 'test_link', subjectId, ttlMs: HOUR });
    const { token: second } = await platform.tokens.issue({ purpose: 'test_link', subjectId, ttlMs: HOUR, replace: true });
    expect(((await refusal(platform.tokens.check('test_link', first))) as GoneError).reason).to.equal('revoked');
    expect((await platform.tokens.consume('test_link', second)).subjectId).to.equal(subjectId);
  });
});
