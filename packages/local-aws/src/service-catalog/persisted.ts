// Service Catalog's state as a persisted state keeps it: one record per portfolio, product, share
// action, provisioned product, record and idempotency token, plus one for the rest; and, apart, one
// per portfolio and account for the principals the account associated (they grow with every
// recipient, so they are committed one by one as they change, not compared as part of the portfolio).
// Maps and sets become arrays of entries.
import { ChangedRecords, SAME } from '../persistence/records.js';
import type { IdGenerator } from './ids.js';
import type {
  AccountShare,
  InjectedShareError,
  OrgShare,
  Portfolio,
  PrincipalType,
  Product,
  ProvisionedProduct,
  RecordEntry,
  ServiceCatalogState,
  ShareAction,
} from './state.js';

interface SavedOrgShare extends Omit<OrgShare, 'failed' | 'frozenMembers'> {
  failed: string[];
  frozenMembers?: string[];
}

interface SavedPortfolio extends Omit<Portfolio, 'productIds' | 'principals' | 'accountShares' | 'orgShares' | 'orgRejections'> {
  productIds: string[];
  accountShares: Array<[string, AccountShare]>;
  orgShares: Array<[string, SavedOrgShare]>;
  orgRejections: string[];
}

type SavedShareAction = Omit<ShareAction, 'order'>;

interface SavedCatalog {
  unsettledActions: string[];
  injectedShareErrors: Array<[string, InjectedShareError]>;
  knobThrottlesUsed: Array<[string, number]>;
  accessChangeUntil: number;
}

function savePortfolio({ principals: _principals, ...portfolio }: Portfolio): SavedPortfolio {
  return {
    ...portfolio,
    productIds: [...portfolio.productIds],
    accountShares: [...portfolio.accountShares],
    orgShares: [...portfolio.orgShares].map(([key, { failed, frozenMembers, ...share }]): [string, SavedOrgShare] => [
      key,
      { ...share, failed: [...failed], ...(frozenMembers ? { frozenMembers: [...frozenMembers] } : {}) },
    ]),
    orgRejections: [...portfolio.orgRejections],
  };
}

function restorePortfolio(saved: SavedPortfolio): Portfolio {
  return {
    ...saved,
    productIds: new Set(saved.productIds),
    principals: new Map(),
    accountShares: new Map(saved.accountShares),
    orgShares: new Map(
      saved.orgShares.map(([key, share]) => {
        const { frozenMembers, ...rest } = share;
        const restored: OrgShare = { ...rest, failed: new Set(share.failed) };
        if (frozenMembers) restored.frozenMembers = new Set(frozenMembers);
        return [key, restored];
      }),
    ),
    orgRejections: new Set(saved.orgRejections),
  };
}

/**
 * Every record of the state. Share actions, records and idempotency tokens do not change once made,
 * so those already committed are reported unchanged without being serialised again.
 */
export function* serviceCatalogRecords(
  state: ServiceCatalogState,
  committed: (key: string) => boolean,
): Generator<readonly [string, unknown]> {
  yield [
    'catalog',
    {
      unsettledActions: state.unsettledActions.map((action) => action.token),
      injectedShareErrors: [...state.injectedShareErrors],
      knobThrottlesUsed: [...state.knobThrottlesUsed],
      accessChangeUntil: state.accessChangeUntil,
    } satisfies SavedCatalog,
  ];
  for (const portfolio of state.portfolios.values()) yield [`portfolio:${portfolio.id}`, savePortfolio(portfolio)];
  for (const product of state.products.values()) yield [`product:${product.id}`, product];
  for (const provisioned of state.provisionedProducts.values()) yield [`provisionedProduct:${provisioned.id}`, provisioned];
  for (const action of state.shareActions.values()) {
    const key = `shareAction:${action.token}`;
    if (committed(key)) yield [key, SAME];
    else {
      const { order: _order, ...saved } = action;
      yield [key, saved satisfies SavedShareAction];
    }
  }
  for (const record of state.records.values()) {
    const key = `record:${record.id}`;
    yield [key, committed(key) ? SAME : record];
  }
  for (const [token, id] of state.idempotency) {
    const key = `idempotency:${token}`;
    yield [key, committed(key) ? SAME : id];
  }
}

/** `principals:<portfolio>|<account>` records: every one at the first commit, then those changed. */
export function principalRecords(state: ServiceCatalogState): ChangedRecords {
  const records = new ChangedRecords(
    (key) => {
      const [portfolioId = '', accountId = ''] = key.slice('principals:'.length).split('|');
      const principals = state.portfolios.get(portfolioId)?.principals.get(accountId);
      return principals && principals.size > 0 ? [...principals] : undefined;
    },
    function* () {
      for (const portfolio of state.portfolios.values())
        for (const accountId of portfolio.principals.keys()) yield `principals:${portfolio.id}|${accountId}`;
    },
  );
  state.principalsChanged = (portfolioId, accountId) => records.touch(`principals:${portfolioId}|${accountId}`);
  return records;
}

/** Replaces the state with a persisted one, and reserves every id in it so that none is handed out again. */
export function restoreServiceCatalog(state: ServiceCatalogState, ids: IdGenerator, records: Map<string, unknown>): void {
  state.portfolios.clear();
  state.products.clear();
  state.shareActions.clear();
  state.unsettledActions.length = 0;
  state.provisionedProducts.clear();
  state.records.clear();
  state.idempotency.clear();
  state.injectedShareErrors.clear();
  state.knobThrottlesUsed.clear();
  let catalog: SavedCatalog | undefined;
  const principals: Array<[string, Array<[string, PrincipalType]>]> = [];
  for (const [key, value] of records) {
    const colon = key.indexOf(':');
    const kind = colon < 0 ? key : key.slice(0, colon);
    const id = key.slice(colon + 1);
    switch (kind) {
      case 'catalog':
        catalog = value as SavedCatalog;
        break;
      case 'portfolio': {
        const portfolio = restorePortfolio(value as SavedPortfolio);
        state.portfolios.set(portfolio.id, portfolio);
        ids.reserve(portfolio.id);
        for (const option of portfolio.tagOptions) ids.reserve(option.id);
        break;
      }
      case 'product': {
        const product = value as Product;
        state.products.set(product.id, product);
        ids.reserve(product.id);
        ids.reserve(product.viewId);
        for (const artifact of product.artifacts) ids.reserve(artifact.id);
        break;
      }
      case 'provisionedProduct': {
        const provisioned = value as ProvisionedProduct;
        state.provisionedProducts.set(provisioned.id, provisioned);
        ids.reserve(provisioned.id);
        break;
      }
      case 'shareAction': {
        const saved = value as SavedShareAction;
        state.shareActions.set(saved.token, {
          ...saved,
          order: new Map(saved.outcomes.map((outcome, index) => [outcome.accountId, index])),
        });
        ids.reserve(saved.token);
        break;
      }
      case 'record': {
        const record = value as RecordEntry;
        state.records.set(record.id, record);
        ids.reserve(record.id);
        break;
      }
      case 'idempotency':
        state.idempotency.set(id, value as string);
        break;
      case 'principals':
        principals.push([id, value as Array<[string, PrincipalType]>]);
        break;
    }
  }
  // Those of a portfolio deleted since are left out.
  for (const [id, associations] of principals) {
    const [portfolioId = '', accountId = ''] = id.split('|');
    state.portfolios.get(portfolioId)?.principals.set(accountId, new Map(associations));
  }
  if (!catalog) return;
  for (const token of catalog.unsettledActions) {
    const action = state.shareActions.get(token);
    if (action) state.unsettledActions.push(action);
  }
  for (const [accountId, injected] of catalog.injectedShareErrors) state.injectedShareErrors.set(accountId, injected);
  for (const [accountId, used] of catalog.knobThrottlesUsed) state.knobThrottlesUsed.set(accountId, used);
  state.accessChangeUntil = catalog.accessChangeUntil;
}
