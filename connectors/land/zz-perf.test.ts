import { test } from 'vitest';
import { DuckDBInstance, DuckDBDataChunk, VARCHAR, BIGINT, DOUBLE } from '@duckdb/node-api';
import { parseMessage } from './message.js';
test('perf', async () => {
  const inst = await DuckDBInstance.create(':memory:'); const c = await inst.connect();
  await c.run(`CREATE TABLE events (event_time VARCHAR, event_type VARCHAR, product_id BIGINT, category_id BIGINT, category_code VARCHAR, brand VARCHAR, price DOUBLE, user_id BIGINT, user_session VARCHAR)`);
  const msgs: Buffer[] = [];
  for (let i = 0; i < 100000; i++) msgs.push(Buffer.from(JSON.stringify({event_time:'2019-10-01 00:00:04 UTC',event_type:'view',product_id:'1004237',category_id:'2053013555631882655',category_code:'electronics.smartphone',brand:'apple',price:1081.98,user_id:String(535871217+i%5000),user_session:'c6bd7419-2748-4c56-95b4-8cec9ff8b80d'})));
  for (let k = 0; k < 3; k++) {
  let t = performance.now();
  const js = msgs.map((m) => JSON.parse(m.toString('utf8')));
  console.log('json.parse only', performance.now() - t);
  t = performance.now();
  const rows = msgs.map((m) => { const p = parseMessage(m, 'auto'); if (!p.ok) throw new Error(); return p.row; });
  console.log('parse+validate', performance.now() - t);
  t = performance.now();
  const types = [VARCHAR, VARCHAR, BIGINT, BIGINT, VARCHAR, VARCHAR, DOUBLE, BIGINT, VARCHAR];
  const a = await c.createAppender('events');
  for (let s = 0; s < rows.length; s += 2048) {
    const part = rows.slice(s, s + 2048);
    const chunk = DuckDBDataChunk.create(types, part.length);
    chunk.setColumns([part.map(r=>r.event_time), part.map(r=>r.event_type), part.map(r=>r.product_id), part.map(r=>r.category_id), part.map(r=>r.category_code), part.map(r=>r.brand), part.map(r=>r.price), part.map(r=>r.user_id), part.map(r=>r.user_session)]);
    a.appendDataChunk(chunk);
  }
  a.closeSync();
  console.log('chunk append', performance.now() - t);
  t = performance.now();
  const b = await c.createAppender('events');
  for (const r of rows) { b.appendVarchar(r.event_time); b.appendVarchar(r.event_type); b.appendBigInt(r.product_id); b.appendBigInt(r.category_id); b.appendVarchar(r.category_code!); b.appendVarchar(r.brand!); b.appendDouble(r.price); b.appendBigInt(r.user_id); b.appendVarchar(r.user_session!); b.endRow(); }
  b.closeSync();
  console.log('row append', performance.now() - t);
  t = performance.now();
  await c.run(`COPY (SELECT CAST(event_time AS TIMESTAMP) AS event_time, * EXCLUDE (event_time) FROM events) TO '/tmp/kx/o.parquet' (FORMAT parquet, COMPRESSION zstd)`);
  console.log('copy 2x', performance.now() - t);
  await c.run('DELETE FROM events');
  }
});
