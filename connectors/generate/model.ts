/**
 * The behaviour model of the synthetic store: how customers arrive, stay and leave, how often they
 * come, what a session holds, when in the day and week they shop. Numbers marked "REES46" are
 * measured on the October 2019 file; the others were tuned until the generated month matched them
 * (see generate.test.ts for the checks and `calibration` below for the scale the pilot sets).
 */

/** REES46, October 2019: the reference month. */
export const rees46October = {
  events: 42_448_764,
  customers: 3_022_290,
  sessions: 9_244_421,
  products: 166_794,
  brands: 3_444,
} as const;

export const behaviour = {
  // Customers -------------------------------------------------------------------------------
  /**
   * Mean customer lifetime in days (exponential, so also the mean remaining lifetime of those
   * present at the start): who churns. Customers arrive at a steady rate that keeps the active
   * population level, so a window of D days has D / (D + lifetime) new customers (31 days: 55%).
   */
  lifetimeDays: 25,
  /**
   * Sessions in a customer's window: 1 + floor(A × window share), A Lomax-distributed (tail index
   * `activityAlpha`, scale set by calibration): many one-visit customers, a few heavy users.
   */
  activityAlpha: 1.6,
  /** Most sessions one customer has (per 31 days; scaled by days). */
  maxSessions31Days: 1000,
  /** Log-normal spread of a customer's engagement (views per session) and buying propensity. */
  engagementSigma: 0.5,
  shopperSigma: 0.9,
  /** Share of sessions that browse the customer's favourite category. */
  favouriteShare: 0.6,

  // Sessions --------------------------------------------------------------------------------
  /** Views per session: 1 + floor(scale × engagement × Lomax(viewsAlpha)), at most `maxViews`. */
  viewsAlpha: 1.9,
  viewsScale: 3.4,
  maxViews: 250,
  /** Share of sessions with carts (times the customer's propensity), and extra carts beyond the first (mean). */
  cartSessionShare: 0.09,
  extraCartsMean: 0.55,
  /** Of carted items: removed again; of the rest: bought (at checkout, the end of the session). */
  removeShare: 0.1,
  purchaseShare: 0.88,
  /** Share of a session's items in its focus category (the rest in its second one). */
  focusShare: 0.75,
  /**
   * Product popularity within a category: rank = floor(n^(u^skew)) for a uniform u. skew 1 is
   * Zipf with exponent 1; higher concentrates views on the best sellers (REES46: the top 10% of
   * products get most views).
   */
  productSkew: 1.8,
  /** Seconds between views: log-normal median and spread, clamped; a session lasts at most `maxSessionSeconds` of views. */
  gapMedian: 35,
  gapSigma: 0.9,
  gapMin: 4,
  gapMax: 600,
  maxSessionSeconds: 10_800,

  // Catalogue -------------------------------------------------------------------------------
  /** Share of products without a brand, in coded and codeless categories (REES46: 14% of events). */
  brandlessCoded: 0.13,
  brandlessCodeless: 0.34,
  /**
   * A category's best sellers carry its leading brands in order (rank 1 the first brand, …); of
   * its other products this share carries one of them, the rest a long-tail brand.
   */
  leadingBrandShare: 0.9,
  /** Share of (product, day) pairs on discount, and the discount range. */
  discountShare: 0.1,
  discountMin: 0.05,
  discountMax: 0.25,
} as const;

/** Traffic by hour of day, UTC (REES46 is a Russian shop: evenings at UTC+3 peak, nights are quiet). */
export const hourWeights: readonly number[] = [
  0.35, 0.25, 0.3, 0.55, 0.85, 1.05, 1.2, 1.3, 1.35, 1.35, 1.35, 1.35, 1.4, 1.45, 1.55, 1.6, 1.6, 1.5, 1.3, 1.0, 0.75, 0.55, 0.45, 0.4,
];

/** Traffic by day of week, Monday first: weekends are busier. */
export const weekdayWeights: readonly number[] = [1.0, 0.97, 0.96, 0.96, 0.93, 1.12, 1.2];

/** Traffic grows a little over the window (start → end multiplies by 1 + trend). */
export const trend = 0.05;

/** Id ranges, as in REES46: users registered before the month, users registering during it, products. */
export const idRanges = {
  existingUsers: [33_869_381, 512_475_444],
  newUsers: [512_475_445, 566_280_860],
  products: [1_000_978, 60_500_010],
} as const;
