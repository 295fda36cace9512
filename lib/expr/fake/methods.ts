/**
 * Python Faker's methods, by their Python names and parameter names, on @faker-js/faker.
 *
 * Each entry says its parameters in Python's positional order (the compiler maps positional
 * and keyword arguments onto them and rejects unknown ones), its result type, and how to
 * produce the value from the faker it is handed (whose randomizer reads the cell's stream)
 * and from `ctx` (the cell's stream and the logical now). Values have Python Faker's kinds:
 * dates are `PyDate`s, datetimes JS Dates in UTC. The shared readers and draws are in
 * `method.ts`; numbers, and dates and times, have files of their own.
 *
 * @module
 */
import type { RandomSource } from "../host.ts";
import { strftime } from "../datetime_text.ts";
import { cardNumber, cardType, securityCode } from "./cards.ts";
import { timeArgument } from "../relative_time.ts";
import { pyStr } from "../values.ts";
import {
  aroundCount,
  ASCII_LETTERS,
  elementsOf,
  type FakeMethod,
  fillPattern,
  flag,
  lexifyOnly,
  num,
  numerifyOnly,
  pickWords,
  plain,
  text,
  uuid4,
} from "./method.ts";
import { DATE_METHODS, timeBetween } from "./dates.ts";
import { NUMBER_METHODS } from "./numbers.ts";

const US_PHONE_FORMATS = [
  "###-###-####",
  "(###)###-####",
  "###.###.####",
  "+1-###-###-####",
  "###-###-####x###",
  "(###)###-####x####",
  "001-###-###-####x###",
];

/** Every Python Faker method, by its Python name. */
export const FAKE_METHODS: Readonly<Record<string, FakeMethod>> = {
  // person
  name: plain("str", (f) => f.person.fullName()),
  name_male: plain("str", (f) => f.person.fullName({ sex: "male" })),
  name_female: plain("str", (f) => f.person.fullName({ sex: "female" })),
  first_name: plain("str", (f) => f.person.firstName()),
  first_name_male: plain("str", (f) => f.person.firstName("male")),
  first_name_female: plain("str", (f) => f.person.firstName("female")),
  last_name: plain("str", (f) => f.person.lastName()),
  last_name_male: plain("str", (f) => f.person.lastName("male")),
  last_name_female: plain("str", (f) => f.person.lastName("female")),
  prefix: plain("str", (f) => f.person.prefix()),
  suffix: plain("str", (f) => f.person.suffix()),
  job: plain("str", (f) => f.person.jobTitle()),
  ssn: plain("str", (_f, ctx) => fillPattern("%##-##-####", "", ctx.random)),
  // address
  address: plain(
    "str",
    (f) =>
      `${f.location.streetAddress(true)}\n${f.location.city()}, ${
        f.location.state({ abbreviated: true })
      } ${f.location.zipCode()}`,
  ),
  street_address: plain("str", (f) => f.location.streetAddress()),
  street_name: plain("str", (f) => f.location.street()),
  building_number: plain("str", (f) => f.location.buildingNumber()),
  secondary_address: plain("str", (f) => f.location.secondaryAddress()),
  city: plain("str", (f) => f.location.city()),
  state: plain("str", (f) => f.location.state()),
  state_abbr: plain("str", (f) => f.location.state({ abbreviated: true })),
  postcode: plain("str", (f) => f.location.zipCode("#####")),
  zipcode: plain("str", (f) => f.location.zipCode("#####")),
  country: plain("str", (f) => f.location.country()),
  country_code: {
    params: ["representation"],
    returns: "str",
    call(f, a) {
      const representation = text(a, "representation", "alpha-2");
      if (representation !== "alpha-2" && representation !== "alpha-3") {
        throw new RangeError('country_code: representation must be "alpha-2" or "alpha-3"');
      }
      return f.location.countryCode(representation);
    },
  },
  zipcode_plus4: plain(
    "str",
    (f) => `${f.location.zipCode("#####")}-${f.location.zipCode("####")}`,
  ),
  timezone: plain("str", (f) => f.location.timeZone()),
  am_pm: plain("str", (_f, ctx) => (ctx.random.int(0, 1) ? "PM" : "AM")),
  currency_name: plain("str", (f) => f.finance.currencyName()),
  latitude: plain("float", (f) => f.location.latitude()),
  longitude: plain("float", (f) => f.location.longitude()),
  // phone
  phone_number: plain(
    "str",
    (_f, ctx) =>
      fillPattern(US_PHONE_FORMATS[ctx.random.int(0, US_PHONE_FORMATS.length - 1)], "", ctx.random),
  ),
  // internet
  email: {
    params: ["safe", "domain"],
    returns: "str",
    call(f, a) {
      if (a.domain !== undefined && a.domain !== null) {
        return `${f.internet.username().toLowerCase()}@${pyStr(a.domain)}`;
      }
      return flag(a, "safe", true)
        ? f.internet.email().toLowerCase()
        : f.internet.email({ provider: f.internet.domainName() }).toLowerCase();
    },
  },
  safe_email: plain("str", (f) => f.internet.exampleEmail().toLowerCase()),
  free_email: plain(
    "str",
    (f) =>
      f.internet.email({
        provider: f.helpers.arrayElement(["gmail.com", "yahoo.com", "hotmail.com"]),
      }).toLowerCase(),
  ),
  company_email: plain(
    "str",
    (f) => f.internet.email({ provider: f.internet.domainName() }).toLowerCase(),
  ),
  user_name: plain("str", (f) => f.internet.username().toLowerCase()),
  domain_name: {
    params: ["levels"],
    returns: "str",
    call(f, a) {
      const levels = num(a, "levels", 1);
      if (levels < 1) throw new RangeError("domain_name: levels must be at least 1");
      const words = Array.from({ length: levels - 1 }, () => f.internet.domainWord());
      return [...words, f.internet.domainName()].join(".");
    },
  },
  domain_word: plain("str", (f) => f.internet.domainWord()),
  tld: plain("str", (f) => f.internet.domainSuffix()),
  hostname: {
    params: ["levels"],
    returns: "str",
    call: (f, a) =>
      [
        f.helpers.arrayElement(["web", "db", "srv", "mail", "lt", "email", "desktop", "laptop"]) +
        "-" + String(f.number.int({ min: 1, max: 99 })).padStart(2, "0"),
        ...Array.from({ length: num(a, "levels", 1) - 1 }, () => f.internet.domainWord()),
        f.internet.domainName(),
      ].join("."),
  },
  port_number: plain("int", (_f, ctx) => ctx.random.int(0, 65535)),
  url: plain("str", (f) => `https://www.${f.internet.domainName()}/`),
  uri: plain("str", (f) => `https://${f.internet.domainName()}/${f.lorem.slug(2)}`),
  slug: plain("str", (f) => f.lorem.slug(3)),
  ipv4: {
    params: ["network", "address_class", "private"],
    returns: "str",
    call(f, a) {
      if (a.private === true) return f.internet.ipv4({ network: "private-a" });
      return f.internet.ipv4() + (flag(a, "network", false) ? "/32" : "");
    },
  },
  ipv4_private: plain("str", (f) => f.internet.ipv4({ network: "private-a" })),
  ipv4_public: plain("str", (f) => {
    // Redraw the rare private or reserved address, as Faker excludes them.
    for (;;) {
      const ip = f.internet.ipv4();
      if (
        !/^(10\.|127\.|0\.|169\.254\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|22[4-9]\.|2[3-5]\d\.)/
          .test(ip)
      ) {
        return ip;
      }
    }
  }),
  ipv6: plain("str", (f) => f.internet.ipv6()),
  mac_address: plain("str", (f) => f.internet.mac()),
  user_agent: plain("str", (f) => f.internet.userAgent()),
  password: {
    params: ["length", "special_chars", "digits", "upper_case", "lower_case"],
    returns: "str",
    call: (f, a) => f.internet.password({ length: num(a, "length", 10) }),
  },
  // company
  company: plain("str", (f) => f.company.name()),
  company_suffix: plain(
    "str",
    (f) => f.helpers.arrayElement(["Inc", "LLC", "Ltd", "Group", "PLC"]),
  ),
  catch_phrase: plain("str", (f) => f.company.catchPhrase()),
  bs: plain("str", (f) => f.company.buzzPhrase()),
  // lorem
  word: {
    params: ["ext_word_list", "part_of_speech"],
    returns: "str",
    call: (f, a, ctx) => pickWords(f, 1, a.ext_word_list, ctx.random)[0],
  },
  words: {
    params: ["nb", "ext_word_list", "part_of_speech", "unique"],
    returns: "list",
    call(f, a, ctx) {
      const nb = num(a, "nb", 3);
      if (!flag(a, "unique", false) || a.ext_word_list === undefined || a.ext_word_list === null) {
        return pickWords(f, nb, a.ext_word_list, ctx.random);
      }
      return elementsOf({ elements: a.ext_word_list, length: nb }, ctx.random, true);
    },
  },
  sentence: {
    params: ["nb_words", "ext_word_list", "variable_nb_words"],
    returns: "str",
    call(f, a, ctx) {
      const n = num(a, "nb_words", 6);
      if (n <= 0) return "";
      const count = flag(a, "variable_nb_words", true) ? aroundCount(n, ctx.random) : n;
      const words = pickWords(f, count, a.ext_word_list, ctx.random).join(" ");
      return words.charAt(0).toUpperCase() + words.slice(1) + ".";
    },
  },
  sentences: {
    params: ["nb", "ext_word_list"],
    returns: "list",
    call: (f, a) => Array.from({ length: num(a, "nb", 3) }, () => f.lorem.sentence()),
  },
  paragraph: {
    params: ["nb_sentences", "variable_nb_sentences", "ext_word_list"],
    returns: "str",
    call: (f, a) => f.lorem.paragraph(num(a, "nb_sentences", 3)),
  },
  paragraphs: {
    params: ["nb", "ext_word_list"],
    returns: "list",
    call: (f, a) => Array.from({ length: num(a, "nb", 3) }, () => f.lorem.paragraph()),
  },
  text: {
    params: ["max_nb_chars", "ext_word_list"],
    returns: "str",
    call: (f, a) => f.lorem.text().slice(0, num(a, "max_nb_chars", 200)),
  },
  // numbers and Python types
  ...NUMBER_METHODS,
  // patterns
  bothify: {
    params: ["text", "letters"],
    returns: "str",
    call: (_f, a, ctx) =>
      fillPattern(text(a, "text", "## ??"), text(a, "letters", ASCII_LETTERS), ctx.random),
  },
  numerify: {
    params: ["text"],
    returns: "str",
    call: (_f, a, ctx) => numerifyOnly(text(a, "text", "###"), ctx.random),
  },
  lexify: {
    params: ["text", "letters"],
    returns: "str",
    call: (_f, a, ctx) =>
      lexifyOnly(text(a, "text", "????"), text(a, "letters", ASCII_LETTERS), ctx.random),
  },
  random_letter: plain("str", (_f, ctx) => ASCII_LETTERS[ctx.random.int(0, 51)]),
  random_element: {
    params: ["elements"],
    returns: "any",
    call: (_f, a, ctx) =>
      elementsOf({ elements: a.elements ?? null, length: 1 }, ctx.random, false)[0],
  },
  random_elements: {
    params: ["elements", "length", "unique", "use_weighting"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, flag(a, "unique", false)),
  },
  random_choices: {
    params: ["elements", "length"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, false),
  },
  random_sample: {
    params: ["elements", "length"],
    returns: "list",
    call: (_f, a, ctx) => elementsOf(a, ctx.random, true),
  },
  random_letters: {
    params: ["length"],
    returns: "list",
    call: (_f, a, ctx) =>
      Array.from({ length: num(a, "length", 16) }, () => ASCII_LETTERS[ctx.random.int(0, 51)]),
  },
  null_boolean: plain("bool", (_f, ctx) => [null, true, false][ctx.random.int(0, 2)]),
  hexify: {
    params: ["text", "upper"],
    returns: "str",
    call(_f, a, ctx) {
      const digits = flag(a, "upper", false) ? "0123456789ABCDEF" : "0123456789abcdef";
      let out = "";
      for (const ch of text(a, "text", "^^^^")) {
        out += ch === "^" ? digits[ctx.random.int(0, 15)] : ch;
      }
      return out;
    },
  },
  // identifiers and codes
  uuid4: plain("str", (_f, ctx) => uuid4(ctx.random)),
  uuid: plain("str", (_f, ctx) => uuid4(ctx.random)),
  md5: plain("str", (f) => f.string.hexadecimal({ length: 32, casing: "lower", prefix: "" })),
  sha1: plain("str", (f) => f.string.hexadecimal({ length: 40, casing: "lower", prefix: "" })),
  sha256: plain("str", (f) => f.string.hexadecimal({ length: 64, casing: "lower", prefix: "" })),
  color_name: plain("str", (f) => f.color.human()),
  hex_color: plain("str", (f) => f.color.rgb()),
  currency_code: plain("str", (f) => f.finance.currencyCode()),
  iban: plain("str", (f) => f.finance.iban()),
  isbn10: isbn(10),
  isbn13: isbn(13),
  isbn: isbn(13),
  ean13: plain("str", (_f, ctx) => ean13(ctx.random)),
  license_plate: plain("str", (f) => f.vehicle.vrm()),
  credit_card_number: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => cardNumber(cardType(a.card_type, ctx.random), ctx.random),
  },
  credit_card_provider: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => cardType(a.card_type, ctx.random).name,
  },
  credit_card_security_code: {
    params: ["card_type"],
    returns: "str",
    call: (_f, a, ctx) => securityCode(cardType(a.card_type, ctx.random), ctx.random),
  },
  credit_card_expire: {
    params: ["start", "end", "date_format"],
    returns: "str",
    call(_f, a, ctx) {
      const start = timeArgument(a.start ?? "now", ctx.now, "start");
      const end = timeArgument(a.end ?? "+10y", ctx.now, "end");
      return strftime(timeBetween(start, end, ctx.random), text(a, "date_format", "%m/%y"));
    },
  },
  file_name: plain("str", (f) => f.system.commonFileName()),
  file_extension: plain("str", (f) => f.system.commonFileExt()),
  mime_type: plain("str", (f) => f.system.mimeType()),
  // dates and times
  ...DATE_METHODS,
};

/** `isbn10` / `isbn13(separator="-")`. */
function isbn(variant: 10 | 13): FakeMethod {
  return {
    params: ["separator"],
    returns: "str",
    call: (f, a) => f.commerce.isbn({ variant, separator: text(a, "separator", "-") }),
  };
}

function ean13(random: RandomSource): string {
  let digits = "";
  let sum = 0;
  for (let i = 0; i < 12; i++) {
    const d = random.int(0, 9);
    digits += d;
    sum += i % 2 ? d * 3 : d;
  }
  return digits + ((10 - (sum % 10)) % 10);
}
