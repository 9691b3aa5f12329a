import { behaviour, rees46October } from './model.js';
import { SplitMix } from './random.js';
import { brandSyllables, categories, codelessPrice, codelessShare } from './taxonomy.js';

/** One category id of the generated store (several ids may share a code, as in REES46). */
export interface CatalogCategory {
  cat: number;
  /** Exact: REES46 category ids exceed 2^53. */
  categoryId: bigint;
  code: string | null;
  /** Share of item views that land in it. */
  weight: number;
  price: number;
  sigma: number;
  /** Share of its products without a brand. */
  brandless: number;
  /** Indexes into `Catalog.brands` of its leading brands, most popular first. */
  leading: number[];
  firstProduct: number;
  products: number;
}

export interface Catalog {
  categories: CatalogCategory[];
  /** Brand names: the leading ones first, then the generated long tail. */
  brands: string[];
  /** How many of `brands` are leading brands (the long tail starts there). */
  leadingBrands: number;
  products: number;
}

/** How many products and brands a store with `events` events a month has (REES46 proportions). */
export function catalogSize(events: number): { products: number; brands: number } {
  const products = Math.round(Math.min(200_000, Math.max(400, events * (rees46October.products / rees46October.events))));
  const brands = Math.round(Math.min(4_000, Math.max(60, products * (rees46October.brands / rees46October.products))));
  return { products, brands };
}

/**
 * The store's categories (with exact BIGINT ids), brands and product counts, for a seed. Products
 * per category grow with its traffic, sub-linearly (weight^0.7), as real catalogues do.
 */
export function buildCatalog(seed: number, events: number): Catalog {
  const size = catalogSize(events);
  const rng = new SplitMix(seed, 'catalog');

  const brands: string[] = [];
  const brandIndex = new Map<string, number>();
  for (const c of categories) {
    for (const b of c.brands ?? []) {
      if (!brandIndex.has(b)) {
        brandIndex.set(b, brands.length);
        brands.push(b);
      }
    }
  }
  const leadingBrands = brands.length;
  const taken = new Set(brands);
  while (brands.length < Math.max(size.brands, leadingBrands + 20)) {
    const syllables = 2 + rng.int(2);
    let name = '';
    for (let i = 0; i < syllables; i++) name += brandSyllables[rng.int(brandSyllables.length)];
    if (taken.has(name)) continue;
    taken.add(name);
    brands.push(name);
  }

  const ids = new Set<bigint>();
  const newId = (base: bigint, span: bigint): bigint => {
    for (;;) {
      const id = base + (rng.next() % span);
      if (!ids.has(id)) {
        ids.add(id);
        return id;
      }
    }
  };
  // REES46 ids cluster just above 2053013552e9, with a few near 2232732e12 and 2110187e12.
  const mainBase = 2_053_013_552_226_107_603n;
  const otherBase = 2_232_732_079_706_079_299n;
  const categoryId = () => (rng.float() < 0.85 ? newId(mainBase, 7_600_000_000n) : newId(otherBase, 1_000_000_000_000n));

  const specs: Omit<CatalogCategory, 'cat' | 'firstProduct' | 'products'>[] = [];
  const codedTotal = categories.reduce((s, c) => s + c.share, 0);
  for (const c of categories) {
    const r = rng.float();
    const split = r < 0.7 ? [1] : r < 0.9 ? [0.7, 0.3] : [0.6, 0.25, 0.15];
    for (const part of split) {
      specs.push({
        categoryId: categoryId(),
        code: c.code,
        weight: ((1 - codelessShare) * c.share * part) / codedTotal,
        price: c.price,
        sigma: c.sigma,
        brandless: behaviour.brandlessCoded,
        leading: (c.brands ?? []).map((b) => brandIndex.get(b)!),
      });
    }
  }
  const codeless = Math.round(Math.min(500, Math.max(12, size.products / 350)));
  const harmonic = Array.from({ length: codeless }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b, 0);
  for (let i = 0; i < codeless; i++) {
    specs.push({
      categoryId: categoryId(),
      code: null,
      weight: (codelessShare * (1 / (i + 1))) / harmonic,
      price: codelessPrice.price * Math.exp(0.9 * (rng.float() * 2 - 1)),
      sigma: codelessPrice.sigma,
      brandless: behaviour.brandlessCodeless,
      leading: [],
    });
  }

  const reach = specs.map((s) => s.weight ** 0.7);
  const reachTotal = reach.reduce((a, b) => a + b, 0);
  let first = 0;
  const out: CatalogCategory[] = specs.map((s, cat) => {
    const products = Math.max(2, Math.round((size.products * reach[cat]!) / reachTotal));
    const c = { ...s, cat, firstProduct: first, products };
    first += products;
    return c;
  });
  return { categories: out, brands, leadingBrands, products: first };
}
