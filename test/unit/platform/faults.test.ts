// Every shape of "the database is unreachable" is recognised (the 503 page, the process handlers),
// and nothing else is; connection errors are logged in a few fields, not with their client object.
import { expect } from 'chai';
import { ConnectionAcquireTimeoutError, ConnectionRefusedError, DatabaseError, UniqueConstraintError } from 'sequelize';
import { isDatabaseDown } from '../../../src/platform/faults.js';
import { compactError } from '../../../src/platform/logger.js';
import { isDatabaseDown as webIsDatabaseDown } from '../../../src/web/errors.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('database-down shapes', () => {
  const down: Array<[string, unknown]> = [
    ['refused (Sequelize)', new ConnectionRefusedError(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))],
    ['refused (pg)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['refused on both addresses', Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')]), { code: undefined })],
    ['terminated', new Error('Connection terminated unexpectedly')],
    ['administrator shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['starting up', withCode('the database system is starting up', '57P03')],
    ['not queryable, during a COMMIT', new DatabaseError(Object.assign(new Error('Client has encountered a connection error and is not queryable'), { sql: 'COMMIT;' }) as never)],
    ['pool acquire timeout (Sequelize)', new ConnectionAcquireTimeoutError(new Error('Operation timeout'))],
    ['pool connect timeout (pg-pool)', new Error('timeout exceeded when trying to connect')],
    ['too many connections', withCode('sorry, too many clients already', '53300')],
  ];
  for (const [name, err] of down) {
    it(`recognises ${name}`, () => {
      expect(isDatabaseDown(err)).to.equal(true);
      expect(webIsDatabaseDown(err)).to.equal(true);
    });
  }

  const notDown: Array<[string, unknown]> = [
    ['a unique violation', new UniqueConstraintError({ message: 'duplicate key value violates unique constraint' })],
    ['a syntax error', new DatabaseError(withCode('syntax error at or near "SELEC"', '42601') as never)],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['nothing', undefined],
  ];
  for (const [name, err] of notDown) {
    it(`does not take ${name} for an outage`, () => {
      expect(isDatabaseDown(err)).to.equal(false);
    });
  }

  it('logs a connection error in a few fields, without the client it carries', () => {
    const client = { connectionParameters: { password: 'segreta' }, _queryable: false, pad: 'x'.repeat(3000) };
    const err = Object.assign(new Error('Connection terminated unexpectedly'), { client, code: 'ECONNRESET' });
    const logged = JSON.stringify(compactError(err));
    expect(logged).to.contain('Connection terminated unexpectedly');
    expect(logged).to.contain('ECONNRESET');
    expect(logged).to.not.contain('segreta');
    expect(logged.length).to.be.below(1500);
  });
});
