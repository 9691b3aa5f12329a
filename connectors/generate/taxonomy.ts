/**
 * The synthetic store's catalogue shape, modelled on the REES46 October 2019 multi-category shop:
 * category codes with their share of the coded traffic, log-normal prices (median and spread of
 * ln price) and the brands that lead each category. About a third of real events have no category
 * code; `codelessShare` of the traffic goes to categories without one.
 */
export interface CategorySpec {
  code: string;
  /** Relative share of the events with a category code. */
  share: number;
  /** Median unit price and the standard deviation of ln(price). */
  price: number;
  sigma: number;
  /** Leading brands, most popular first; the rest of a category's products draw from the long tail. */
  brands?: readonly string[];
}

/** Share of events whose category has no code (REES46 October: 31.8%). */
export const codelessShare = 0.318;
/** Prices of codeless categories: everything from cables to furniture. */
export const codelessPrice = { price: 45, sigma: 1.15 };

const phones = ['samsung', 'apple', 'xiaomi', 'huawei', 'oppo', 'vivo', 'meizu', 'honor', 'nokia', 'realme'];
const bigAppliances = ['lg', 'samsung', 'bosch', 'beko', 'indesit', 'artel', 'haier', 'midea', 'atlant'];
const smallAppliances = ['tefal', 'philips', 'polaris', 'vitek', 'redmond', 'bosch', 'kitfort', 'braun'];
const builtIn = ['bosch', 'electrolux', 'gorenje', 'beko', 'hansa', 'maunfeld', 'weissgauff'];
const sportswear = ['nike', 'adidas', 'puma', 'reebok', 'new-balance', 'skechers', 'asics', 'crocs'];
const computers = ['lenovo', 'hp', 'acer', 'asus', 'dell', 'apple', 'msi'];
const tools = ['bosch', 'makita', 'dewalt', 'metabo', 'elitech', 'interskol'];
const audio = ['jbl', 'sony', 'pioneer', 'kenwood', 'alpine', 'kicx'];

export const categories: readonly CategorySpec[] = [
  { code: 'electronics.smartphone', share: 27.0, price: 260, sigma: 0.75, brands: phones },
  { code: 'electronics.clocks', share: 3.1, price: 120, sigma: 0.9, brands: ['apple', 'samsung', 'garmin', 'casio', 'xiaomi', 'huawei', 'amazfit', 'fossil'] },
  { code: 'computers.notebook', share: 2.6, price: 560, sigma: 0.5, brands: [...computers, 'xiaomi'] },
  { code: 'electronics.video.tv', share: 2.5, price: 350, sigma: 0.6, brands: ['samsung', 'lg', 'sony', 'artel', 'philips', 'xiaomi', 'haier', 'hisense'] },
  { code: 'electronics.audio.headphone', share: 2.3, price: 45, sigma: 0.95, brands: ['apple', 'samsung', 'sony', 'jbl', 'xiaomi', 'sennheiser', 'huawei', 'marshall'] },
  { code: 'appliances.kitchen.washer', share: 2.1, price: 300, sigma: 0.4, brands: bigAppliances },
  { code: 'appliances.kitchen.refrigerators', share: 2.0, price: 450, sigma: 0.5, brands: bigAppliances },
  { code: 'appliances.environment.vacuum', share: 1.8, price: 110, sigma: 0.7, brands: ['samsung', 'lg', 'xiaomi', 'philips', 'bosch', 'vitek', 'polaris', 'dyson'] },
  { code: 'apparel.shoes', share: 1.5, price: 80, sigma: 0.6, brands: sportswear },
  { code: 'computers.desktop', share: 0.7, price: 600, sigma: 0.6, brands: computers },
  { code: 'auto.accessories.player', share: 0.55, price: 60, sigma: 0.7, brands: audio },
  { code: 'electronics.tablet', share: 0.55, price: 210, sigma: 0.6, brands: ['apple', 'samsung', 'huawei', 'lenovo', 'xiaomi'] },
  { code: 'furniture.living_room.sofa', share: 0.45, price: 450, sigma: 0.6 },
  { code: 'apparel.shoes.keds', share: 0.45, price: 60, sigma: 0.5, brands: sportswear },
  { code: 'kids.carriage', share: 0.4, price: 250, sigma: 0.5, brands: ['cybex', 'chicco', 'peg-perego', 'happy-baby'] },
  { code: 'appliances.personal.massager', share: 0.35, price: 40, sigma: 0.8, brands: ['xiaomi', 'beurer', 'yamaguchi'] },
  { code: 'electronics.audio.subwoofer', share: 0.3, price: 150, sigma: 0.7, brands: audio },
  { code: 'appliances.kitchen.microwave', share: 0.3, price: 90, sigma: 0.4, brands: ['samsung', 'lg', 'midea', 'bosch', 'panasonic'] },
  { code: 'appliances.environment.water_heater', share: 0.3, price: 130, sigma: 0.5, brands: ['ariston', 'thermex', 'electrolux', 'haier'] },
  { code: 'furniture.bedroom.bed', share: 0.3, price: 300, sigma: 0.6 },
  { code: 'appliances.kitchen.kettle', share: 0.3, price: 30, sigma: 0.6, brands: smallAppliances },
  { code: 'apparel.shoes.sandals', share: 0.25, price: 35, sigma: 0.5, brands: sportswear },
  { code: 'computers.peripherals.printer', share: 0.25, price: 180, sigma: 0.7, brands: ['hp', 'canon', 'epson', 'brother', 'xerox'] },
  { code: 'furniture.living_room.cabinet', share: 0.25, price: 200, sigma: 0.7 },
  { code: 'appliances.iron', share: 0.25, price: 40, sigma: 0.6, brands: ['philips', 'tefal', 'bosch', 'braun'] },
  { code: 'electronics.camera.photo', share: 0.2, price: 500, sigma: 0.8, brands: ['canon', 'nikon', 'sony', 'fujifilm'] },
  { code: 'auto.accessories.videoregister', share: 0.2, price: 70, sigma: 0.6, brands: ['xiaomi', 'neoline', 'mio', 'playme'] },
  { code: 'appliances.kitchen.hood', share: 0.2, price: 150, sigma: 0.6, brands: builtIn },
  { code: 'appliances.kitchen.blender', share: 0.2, price: 45, sigma: 0.6, brands: smallAppliances },
  { code: 'appliances.environment.air_conditioner', share: 0.2, price: 400, sigma: 0.4, brands: ['lg', 'samsung', 'artel', 'midea', 'haier'] },
  { code: 'construction.tools.drill', share: 0.2, price: 80, sigma: 0.6, brands: tools },
  { code: 'sport.bicycle', share: 0.2, price: 300, sigma: 0.6, brands: ['stels', 'forward', 'stern', 'merida'] },
  { code: 'computers.components.videocards', share: 0.2, price: 350, sigma: 0.7, brands: ['msi', 'asus', 'gigabyte', 'palit', 'zotac'] },
  { code: 'electronics.telephone', share: 0.2, price: 25, sigma: 0.6, brands: ['panasonic', 'nokia', 'philips', 'alcatel'] },
  { code: 'appliances.kitchen.oven', share: 0.15, price: 280, sigma: 0.5, brands: builtIn },
  { code: 'apparel.costume', share: 0.15, price: 60, sigma: 0.6 },
  { code: 'appliances.personal.hair_cutter', share: 0.15, price: 30, sigma: 0.6, brands: ['philips', 'braun', 'remington', 'panasonic'] },
  { code: 'appliances.kitchen.coffee_machine', share: 0.15, price: 300, sigma: 0.8, brands: ['delonghi', 'philips', 'krups', 'nespresso', 'saeco'] },
  { code: 'electronics.audio.acoustic', share: 0.15, price: 120, sigma: 0.9, brands: audio },
  { code: 'kids.toys', share: 0.15, price: 25, sigma: 0.9, brands: ['lego', 'hasbro', 'mattel'] },
  { code: 'computers.components.cpu', share: 0.12, price: 200, sigma: 0.7, brands: ['intel', 'amd'] },
  { code: 'furniture.kitchen.table', share: 0.12, price: 150, sigma: 0.6 },
  { code: 'apparel.trousers', share: 0.1, price: 40, sigma: 0.5 },
  { code: 'construction.tools.saw', share: 0.1, price: 100, sigma: 0.6, brands: tools },
  { code: 'appliances.kitchen.dishwasher', share: 0.1, price: 350, sigma: 0.3, brands: builtIn },
  { code: 'appliances.kitchen.mixer', share: 0.1, price: 45, sigma: 0.6, brands: smallAppliances },
  { code: 'accessories.bag', share: 0.1, price: 30, sigma: 0.7 },
  { code: 'computers.components.hdd', share: 0.1, price: 70, sigma: 0.6, brands: ['seagate', 'wd', 'toshiba', 'samsung'] },
  { code: 'computers.peripherals.monitor', share: 0.1, price: 180, sigma: 0.6, brands: ['samsung', 'lg', 'dell', 'acer', 'aoc'] },
  { code: 'auto.accessories.alarm', share: 0.08, price: 90, sigma: 0.5, brands: ['starline', 'pandora'] },
  { code: 'appliances.sewing_machine', share: 0.08, price: 180, sigma: 0.5, brands: ['janome', 'brother', 'singer'] },
  { code: 'appliances.environment.climate', share: 0.08, price: 80, sigma: 0.7 },
  { code: 'apparel.jeans', share: 0.08, price: 45, sigma: 0.4 },
  { code: 'appliances.kitchen.meat_grinder', share: 0.08, price: 80, sigma: 0.5, brands: smallAppliances },
  { code: 'country_yard.cultivator', share: 0.05, price: 250, sigma: 0.5 },
  { code: 'sport.tennis', share: 0.05, price: 30, sigma: 0.8 },
  { code: 'furniture.bathroom.toilet', share: 0.05, price: 150, sigma: 0.6 },
  { code: 'medicine.tools.tonometer', share: 0.05, price: 35, sigma: 0.4, brands: ['omron', 'and', 'microlife'] },
  { code: 'electronics.video.projector', share: 0.05, price: 400, sigma: 0.8 },
  { code: 'stationery.cartrige', share: 0.05, price: 25, sigma: 0.7, brands: ['hp', 'canon', 'epson'] },
  { code: 'electronics.camera.video', share: 0.05, price: 350, sigma: 0.8 },
  { code: 'construction.components.faucet', share: 0.05, price: 60, sigma: 0.6 },
  { code: 'accessories.wallet', share: 0.05, price: 25, sigma: 0.6 },
  { code: 'apparel.shirt', share: 0.05, price: 30, sigma: 0.5 },
  { code: 'appliances.environment.fan', share: 0.05, price: 30, sigma: 0.6 },
  { code: 'furniture.universal.light', share: 0.05, price: 40, sigma: 0.8 },
  { code: 'computers.components.motherboard', share: 0.06, price: 130, sigma: 0.5, brands: ['asus', 'msi', 'gigabyte', 'asrock'] },
  { code: 'apparel.jacket', share: 0.06, price: 80, sigma: 0.6 },
  { code: 'computers.components.memory', share: 0.05, price: 50, sigma: 0.6, brands: ['kingston', 'samsung', 'crucial'] },
  { code: 'computers.peripherals.mouse', share: 0.05, price: 15, sigma: 0.8, brands: ['logitech', 'a4tech', 'razer', 'defender'] },
  { code: 'computers.peripherals.keyboard', share: 0.04, price: 25, sigma: 0.8, brands: ['logitech', 'a4tech', 'razer', 'defender'] },
  { code: 'kids.skates', share: 0.04, price: 50, sigma: 0.6 },
  { code: 'appliances.kitchen.juicer', share: 0.04, price: 60, sigma: 0.6, brands: smallAppliances },
  { code: 'apparel.underwear', share: 0.03, price: 15, sigma: 0.5 },
  { code: 'electronics.audio.microphone', share: 0.03, price: 50, sigma: 0.9 },
  { code: 'auto.accessories.compressor', share: 0.03, price: 40, sigma: 0.5 },
  { code: 'construction.tools.welding', share: 0.03, price: 150, sigma: 0.6, brands: tools },
  { code: 'appliances.kitchen.grill', share: 0.03, price: 50, sigma: 0.7 },
  { code: 'apparel.glove', share: 0.02, price: 15, sigma: 0.6 },
  { code: 'kids.swing', share: 0.02, price: 80, sigma: 0.6 },
  { code: 'sport.ski', share: 0.02, price: 250, sigma: 0.6 },
  { code: 'sport.snowboard', share: 0.02, price: 200, sigma: 0.6 },
  { code: 'country_yard.lawn_mower', share: 0.02, price: 200, sigma: 0.6 },
];

/** Syllables for the long tail of brand names (`kalomi`, `teravo`, …): pronounceable, lower case. */
export const brandSyllables = ['ka', 'lo', 'mi', 'ra', 'te', 'vo', 'zen', 'tek', 'sa', 'ni', 'ro', 'ma', 'el', 'ber', 'ti', 'no', 'ga', 'fer', 'lux', 'an', 'dor', 'vi', 'ko', 'sta'];
