import type { Rees46EventType, Rees46Row } from '../rees46.js';

/**
 * Synthetic REES46-shaped traffic without end (or `count` events), deterministic per seed: a few
 * thousand customers browsing sessions of views, some carts, fewer purchases. Category ids are
 * beyond 2^53 like the real ones. `start` set: event times advance from it by `stepMs`
 * (reproducible data for tests and benchmarks); unset: each event is stamped with the wall clock
 * (live traffic).
 */
export interface LiveOptions {
  seed?: number;
  customers?: number;
  count?: number;
  /** An ISO time like `2019-10-01T00:00:00Z`. */
  start?: string;
  /** Milliseconds between consecutive events when `start` is set. Default 10. */
  stepMs?: number;
}

const brands = ['samsung', 'apple', 'xiaomi', 'huawei', 'lucente', 'bosch', 'sony', null] as const;
const categories: { id: bigint; code: string | null; price: number }[] = [
  { id: 2053013555631882655n, code: 'electronics.smartphone', price: 489.07 },
  { id: 2053013554658804075n, code: 'electronics.audio.headphone', price: 69.5 },
  { id: 2053013563810775923n, code: 'appliances.kitchen.washer', price: 321.5 },
  { id: 2053013565983425517n, code: 'appliances.environment.water_heater', price: 126.26 },
  { id: 2053013558920217191n, code: 'computers.notebook', price: 899.99 },
  { id: 2232732093077520756n, code: 'construction.tools.light', price: 35.79 },
  { id: 2053013552326770905n, code: null, price: 12.3 },
];

/** xorshift32: small, fast, deterministic. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}

function uuid(next: () => number): string {
  const hex = () => Math.floor(next() * 0x10000).toString(16).padStart(4, '0');
  return `${hex()}${hex()}-${hex()}-4${hex().slice(1)}-a${hex().slice(1)}-${hex()}${hex()}${hex()}`;
}

function timeText(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

export function* liveEvents(options: LiveOptions = {}): Generator<Rees46Row> {
  const next = rng(options.seed ?? 1);
  const customers = options.customers ?? 5000;
  const start = options.start === undefined ? undefined : Date.parse(options.start);
  const step = options.stepMs ?? 10;
  const sessions = new Map<number, { session: string; left: number }>();
  for (let i = 0; options.count === undefined || i < options.count; i++) {
    const customer = Math.floor(next() * customers);
    let s = sessions.get(customer);
    if (!s || s.left <= 0) {
      s = { session: uuid(next), left: 1 + Math.floor(next() * 20) };
      sessions.set(customer, s);
    }
    s.left--;
    const r = next();
    const type: Rees46EventType = r < 0.9 ? 'view' : r < 0.95 ? 'cart' : r < 0.97 ? 'remove_from_cart' : 'purchase';
    const category = categories[Math.floor(next() * categories.length)]!;
    const product = 1000000 + Math.floor(next() * 50000);
    yield {
      event_time: timeText(start === undefined ? Date.now() : start + i * step),
      event_type: type,
      product_id: BigInt(product),
      category_id: category.id,
      category_code: category.code,
      brand: brands[product % brands.length]!,
      price: Math.round(category.price * (0.5 + (product % 100) / 100) * 100) / 100,
      user_id: 512000000n + BigInt(customer),
      user_session: s.session,
    };
  }
}
