import type { SchemaCatalog } from '../../dsl/index.js';

/** The REES46 events schema as the engine reports it for a lake dataset. */
export const rees46Schemas: SchemaCatalog = {
  events: {
    columns: [
      { name: 'event_time', type: 'timestamp', sqlType: 'TIMESTAMP' },
      { name: 'event_type', type: 'string', sqlType: 'VARCHAR' },
      { name: 'product_id', type: 'number', sqlType: 'BIGINT' },
      { name: 'category_id', type: 'number', sqlType: 'BIGINT' },
      { name: 'category_code', type: 'string', sqlType: 'VARCHAR' },
      { name: 'brand', type: 'string', sqlType: 'VARCHAR' },
      { name: 'price', type: 'number', sqlType: 'DOUBLE' },
      { name: 'user_id', type: 'number', sqlType: 'BIGINT' },
      { name: 'user_session', type: 'string', sqlType: 'VARCHAR' },
      { name: 'date', type: 'date', sqlType: 'DATE' },
    ],
  },
};

export const sourceLine = 'source events = lake "events" key user_id time event_time\n';
