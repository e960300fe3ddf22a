// Input shapes and modelled errors of the operations this module serves, extracted from botocore's
// servicecatalog 2015-12-10 service-2.json; test/service-catalog-model.test.ts checks it against
// the installed botocore so that validation follows the published model rather than hand-written rules.

export interface ShapeModel {
  type: 'structure' | 'list' | 'map' | 'string' | 'integer' | 'long' | 'boolean' | 'timestamp' | 'double' | 'float' | 'blob';
  required?: string[];
  members?: Record<string, string>;
  member?: string;
  key?: string;
  value?: string;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
}

export interface OperationModel {
  input: string;
  errors: string[];
}

export const operationModels: Record<string, OperationModel> = {
  AcceptPortfolioShare: {
    input: 'AcceptPortfolioShareInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException', 'LimitExceededException'],
  },
  AssociatePrincipalWithPortfolio: {
    input: 'AssociatePrincipalWithPortfolioInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException', 'LimitExceededException'],
  },
  AssociateProductWithPortfolio: {
    input: 'AssociateProductWithPortfolioInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException', 'LimitExceededException'],
  },
  CreatePortfolio: {
    input: 'CreatePortfolioInput',
    errors: ['InvalidParametersException', 'LimitExceededException', 'TagOptionNotMigratedException'],
  },
  CreatePortfolioShare: {
    input: 'CreatePortfolioShareInput',
    errors: [
      'ResourceNotFoundException',
      'LimitExceededException',
      'InvalidParametersException',
      'OperationNotSupportedException',
      'InvalidStateException',
    ],
  },
  CreateProduct: {
    input: 'CreateProductInput',
    errors: ['InvalidParametersException', 'LimitExceededException', 'TagOptionNotMigratedException'],
  },
  DeletePortfolio: {
    input: 'DeletePortfolioInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException', 'ResourceInUseException', 'TagOptionNotMigratedException'],
  },
  DeletePortfolioShare: {
    input: 'DeletePortfolioShareInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException', 'OperationNotSupportedException', 'InvalidStateException'],
  },
  DescribePortfolio: { input: 'DescribePortfolioInput', errors: ['ResourceNotFoundException'] },
  DescribePortfolioShareStatus: {
    input: 'DescribePortfolioShareStatusInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException', 'OperationNotSupportedException'],
  },
  DescribePortfolioShares: { input: 'DescribePortfolioSharesInput', errors: ['ResourceNotFoundException', 'InvalidParametersException'] },
  DescribeProvisionedProduct: {
    input: 'DescribeProvisionedProductInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException'],
  },
  DescribeRecord: { input: 'DescribeRecordInput', errors: ['ResourceNotFoundException'] },
  DisableAWSOrganizationsAccess: {
    input: 'DisableAWSOrganizationsAccessInput',
    errors: ['ResourceNotFoundException', 'InvalidStateException', 'OperationNotSupportedException'],
  },
  DisassociatePrincipalFromPortfolio: {
    input: 'DisassociatePrincipalFromPortfolioInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException'],
  },
  EnableAWSOrganizationsAccess: {
    input: 'EnableAWSOrganizationsAccessInput',
    errors: ['ResourceNotFoundException', 'InvalidStateException', 'OperationNotSupportedException'],
  },
  GetAWSOrganizationsAccessStatus: {
    input: 'GetAWSOrganizationsAccessStatusInput',
    errors: ['ResourceNotFoundException', 'OperationNotSupportedException'],
  },
  ListAcceptedPortfolioShares: {
    input: 'ListAcceptedPortfolioSharesInput',
    errors: ['InvalidParametersException', 'OperationNotSupportedException'],
  },
  ListOrganizationPortfolioAccess: {
    input: 'ListOrganizationPortfolioAccessInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException', 'OperationNotSupportedException'],
  },
  ListPortfolioAccess: { input: 'ListPortfolioAccessInput', errors: ['ResourceNotFoundException', 'InvalidParametersException'] },
  ListPortfolios: { input: 'ListPortfoliosInput', errors: ['InvalidParametersException'] },
  ListPrincipalsForPortfolio: {
    input: 'ListPrincipalsForPortfolioInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException'],
  },
  ListRecordHistory: { input: 'ListRecordHistoryInput', errors: ['InvalidParametersException'] },
  ProvisionProduct: {
    input: 'ProvisionProductInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException', 'DuplicateResourceException'],
  },
  RejectPortfolioShare: { input: 'RejectPortfolioShareInput', errors: ['ResourceNotFoundException'] },
  SearchProvisionedProducts: { input: 'SearchProvisionedProductsInput', errors: ['InvalidParametersException'] },
  UpdatePortfolioShare: {
    input: 'UpdatePortfolioShareInput',
    errors: ['ResourceNotFoundException', 'InvalidParametersException', 'OperationNotSupportedException', 'InvalidStateException'],
  },
  UpdateProvisionedProductProperties: {
    input: 'UpdateProvisionedProductPropertiesInput',
    errors: ['InvalidParametersException', 'ResourceNotFoundException', 'InvalidStateException'],
  },
};

export const shapes: Record<string, ShapeModel> = {
  AcceptLanguage: { type: 'string', max: 100 },
  AcceptPortfolioShareInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', PortfolioShareType: 'PortfolioShareType' },
  },
  AccessLevelFilter: { type: 'structure', members: { Key: 'AccessLevelFilterKey', Value: 'AccessLevelFilterValue' } },
  AccessLevelFilterKey: { type: 'string', enum: ['Account', 'Role', 'User'] },
  AccessLevelFilterValue: { type: 'string' },
  AccountId: { type: 'string', pattern: '^[0-9]{12}$' },
  AddTags: { type: 'list', max: 20, member: 'Tag' },
  AssociatePrincipalWithPortfolioInput: {
    type: 'structure',
    required: ['PortfolioId', 'PrincipalARN', 'PrincipalType'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', PrincipalARN: 'PrincipalARN', PrincipalType: 'PrincipalType' },
  },
  AssociateProductWithPortfolioInput: {
    type: 'structure',
    required: ['ProductId', 'PortfolioId'],
    members: { AcceptLanguage: 'AcceptLanguage', ProductId: 'Id', PortfolioId: 'Id', SourcePortfolioId: 'Id' },
  },
  Boolean: { type: 'boolean' },
  CodeStarConnectionArn: {
    type: 'string',
    min: 1,
    max: 1224,
    pattern: 'arn:[a-z0-9][-.a-z0-9]{0,62}:codestar-connections:([a-z0-9][-.a-z0-9]{0,62})?:([a-z0-9][-.a-z0-9]{0,62})?:[^/].{0,1023}$',
  },
  CodeStarParameters: {
    type: 'structure',
    required: ['ConnectionArn', 'Repository', 'Branch', 'ArtifactPath'],
    members: {
      ConnectionArn: 'CodeStarConnectionArn',
      Repository: 'Repository',
      Branch: 'RepositoryBranch',
      ArtifactPath: 'RepositoryArtifactPath',
    },
  },
  CreatePortfolioInput: {
    type: 'structure',
    required: ['DisplayName', 'ProviderName', 'IdempotencyToken'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      DisplayName: 'PortfolioDisplayName',
      Description: 'PortfolioDescription',
      ProviderName: 'ProviderName',
      Tags: 'AddTags',
      IdempotencyToken: 'IdempotencyToken',
    },
  },
  CreatePortfolioShareInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      PortfolioId: 'Id',
      AccountId: 'AccountId',
      OrganizationNode: 'OrganizationNode',
      ShareTagOptions: 'Boolean',
      SharePrincipals: 'Boolean',
    },
  },
  CreateProductInput: {
    type: 'structure',
    required: ['Name', 'Owner', 'ProductType', 'IdempotencyToken'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      Name: 'ProductViewName',
      Owner: 'ProductViewOwner',
      Description: 'ProductViewShortDescription',
      Distributor: 'ProductViewOwner',
      SupportDescription: 'SupportDescription',
      SupportEmail: 'SupportEmail',
      SupportUrl: 'SupportUrl',
      ProductType: 'ProductType',
      Tags: 'AddTags',
      ProvisioningArtifactParameters: 'ProvisioningArtifactProperties',
      IdempotencyToken: 'IdempotencyToken',
      SourceConnection: 'SourceConnection',
    },
  },
  DeletePortfolioInput: { type: 'structure', required: ['Id'], members: { AcceptLanguage: 'AcceptLanguage', Id: 'Id' } },
  DeletePortfolioShareInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', AccountId: 'AccountId', OrganizationNode: 'OrganizationNode' },
  },
  DescribePortfolioInput: { type: 'structure', required: ['Id'], members: { AcceptLanguage: 'AcceptLanguage', Id: 'Id' } },
  DescribePortfolioShareStatusInput: { type: 'structure', required: ['PortfolioShareToken'], members: { PortfolioShareToken: 'Id' } },
  DescribePortfolioShareType: { type: 'string', enum: ['ACCOUNT', 'ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ORGANIZATION_MEMBER_ACCOUNT'] },
  DescribePortfolioSharesInput: {
    type: 'structure',
    required: ['PortfolioId', 'Type'],
    members: { PortfolioId: 'Id', Type: 'DescribePortfolioShareType', PageToken: 'PageToken', PageSize: 'PageSizeMax100' },
  },
  DescribeProvisionedProductInput: {
    type: 'structure',
    members: { AcceptLanguage: 'AcceptLanguage', Id: 'Id', Name: 'ProvisionedProductName' },
  },
  DescribeRecordInput: {
    type: 'structure',
    required: ['Id'],
    members: { AcceptLanguage: 'AcceptLanguage', Id: 'Id', PageToken: 'PageToken', PageSize: 'PageSize' },
  },
  DisableAWSOrganizationsAccessInput: { type: 'structure', members: {} },
  DisableTemplateValidation: { type: 'boolean' },
  DisassociatePrincipalFromPortfolioInput: {
    type: 'structure',
    required: ['PortfolioId', 'PrincipalARN'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', PrincipalARN: 'PrincipalARN', PrincipalType: 'PrincipalType' },
  },
  EnableAWSOrganizationsAccessInput: { type: 'structure', members: {} },
  GetAWSOrganizationsAccessStatusInput: { type: 'structure', members: {} },
  Id: { type: 'string', min: 1, max: 100, pattern: '^[a-zA-Z0-9_\\-]*' },
  IdempotencyToken: { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9][a-zA-Z0-9_-]*' },
  ListAcceptedPortfolioSharesInput: {
    type: 'structure',
    members: {
      AcceptLanguage: 'AcceptLanguage',
      PageToken: 'PageToken',
      PageSize: 'PageSizeMax100',
      PortfolioShareType: 'PortfolioShareType',
    },
  },
  ListOrganizationPortfolioAccessInput: {
    type: 'structure',
    required: ['PortfolioId', 'OrganizationNodeType'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      PortfolioId: 'Id',
      OrganizationNodeType: 'OrganizationNodeType',
      PageToken: 'PageToken',
      PageSize: 'PageSize',
    },
  },
  ListPortfolioAccessInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      PortfolioId: 'Id',
      OrganizationParentId: 'Id',
      PageToken: 'PageToken',
      PageSize: 'PageSizeMax100',
    },
  },
  ListPortfoliosInput: {
    type: 'structure',
    members: { AcceptLanguage: 'AcceptLanguage', PageToken: 'PageToken', PageSize: 'PageSizeMax100' },
  },
  ListPrincipalsForPortfolioInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', PageSize: 'PageSize', PageToken: 'PageToken' },
  },
  ListRecordHistoryInput: {
    type: 'structure',
    members: {
      AcceptLanguage: 'AcceptLanguage',
      AccessLevelFilter: 'AccessLevelFilter',
      SearchFilter: 'ListRecordHistorySearchFilter',
      PageSize: 'PageSize',
      PageToken: 'PageToken',
    },
  },
  ListRecordHistorySearchFilter: { type: 'structure', members: { Key: 'SearchFilterKey', Value: 'SearchFilterValue' } },
  NotificationArn: {
    type: 'string',
    min: 1,
    max: 1224,
    pattern: 'arn:[a-z0-9-\\.]{1,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[a-z0-9-\\.]{0,63}:[^/].{0,1023}',
  },
  NotificationArns: { type: 'list', max: 5, member: 'NotificationArn' },
  NullableBoolean: { type: 'boolean' },
  OrganizationNode: { type: 'structure', members: { Type: 'OrganizationNodeType', Value: 'OrganizationNodeValue' } },
  OrganizationNodeType: { type: 'string', enum: ['ORGANIZATION', 'ORGANIZATIONAL_UNIT', 'ACCOUNT'] },
  OrganizationNodeValue: {
    type: 'string',
    pattern:
      '(^[0-9]{12}$)|(^arn:aws:organizations::\\d{12}:organization\\/o-[a-z0-9]{10,32})|(^o-[a-z0-9]{10,32}$)|(^arn:aws:organizations::\\d{12}:ou\\/o-[a-z0-9]{10,32}\\/ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$)|(^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$)',
  },
  PageSize: { type: 'integer', min: 0, max: 20 },
  PageSizeMax100: { type: 'integer', min: 0, max: 100 },
  PageToken: { type: 'string', max: 2024, pattern: '[\\u0009\\u000a\\u000d\\u0020-\\uD7FF\\uE000-\\uFFFD]*' },
  ParameterKey: { type: 'string', min: 1, max: 1000 },
  ParameterValue: { type: 'string', max: 4096 },
  PortfolioDescription: { type: 'string', max: 2000 },
  PortfolioDisplayName: { type: 'string', min: 1, max: 100 },
  PortfolioShareType: { type: 'string', enum: ['IMPORTED', 'AWS_SERVICECATALOG', 'AWS_ORGANIZATIONS'] },
  PrincipalARN: { type: 'string', min: 1, max: 1000 },
  PrincipalType: { type: 'string', enum: ['IAM', 'IAM_PATTERN'] },
  ProductType: {
    type: 'string',
    max: 8191,
    enum: ['CLOUD_FORMATION_TEMPLATE', 'MARKETPLACE', 'TERRAFORM_OPEN_SOURCE', 'TERRAFORM_CLOUD', 'EXTERNAL'],
  },
  ProductViewName: { type: 'string', max: 8191 },
  ProductViewOwner: { type: 'string', max: 8191 },
  ProductViewShortDescription: { type: 'string', max: 8191 },
  PropertyKey: { type: 'string', min: 1, max: 128, enum: ['OWNER', 'LAUNCH_ROLE'] },
  PropertyValue: { type: 'string', min: 0, max: 1024 },
  ProviderName: { type: 'string', min: 1, max: 50 },
  ProvisionProductInput: {
    type: 'structure',
    required: ['ProvisionedProductName', 'ProvisionToken'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      ProductId: 'Id',
      ProductName: 'ProductViewName',
      ProvisioningArtifactId: 'Id',
      ProvisioningArtifactName: 'ProvisioningArtifactName',
      PathId: 'Id',
      PathName: 'PortfolioDisplayName',
      ProvisionedProductName: 'ProvisionedProductName',
      ProvisioningParameters: 'ProvisioningParameters',
      ProvisioningPreferences: 'ProvisioningPreferences',
      Tags: 'Tags',
      NotificationArns: 'NotificationArns',
      ProvisionToken: 'IdempotencyToken',
    },
  },
  ProvisionedProductFilters: { type: 'map', key: 'ProvisionedProductViewFilterBy', value: 'ProvisionedProductViewFilterValues' },
  ProvisionedProductName: { type: 'string', min: 1, max: 128, pattern: '[a-zA-Z0-9][a-zA-Z0-9._-]*' },
  ProvisionedProductProperties: { type: 'map', min: 1, max: 100, key: 'PropertyKey', value: 'PropertyValue' },
  ProvisionedProductViewFilterBy: { type: 'string', enum: ['SearchQuery'] },
  ProvisionedProductViewFilterValue: { type: 'string' },
  ProvisionedProductViewFilterValues: { type: 'list', member: 'ProvisionedProductViewFilterValue' },
  ProvisioningArtifactDescription: { type: 'string', max: 8192 },
  ProvisioningArtifactInfo: { type: 'map', min: 1, max: 100, key: 'ProvisioningArtifactInfoKey', value: 'ProvisioningArtifactInfoValue' },
  ProvisioningArtifactInfoKey: { type: 'string' },
  ProvisioningArtifactInfoValue: { type: 'string' },
  ProvisioningArtifactName: { type: 'string', max: 8192 },
  ProvisioningArtifactProperties: {
    type: 'structure',
    members: {
      Name: 'ProvisioningArtifactName',
      Description: 'ProvisioningArtifactDescription',
      Info: 'ProvisioningArtifactInfo',
      Type: 'ProvisioningArtifactType',
      DisableTemplateValidation: 'DisableTemplateValidation',
    },
  },
  ProvisioningArtifactType: {
    type: 'string',
    enum: ['CLOUD_FORMATION_TEMPLATE', 'MARKETPLACE_AMI', 'MARKETPLACE_CAR', 'TERRAFORM_OPEN_SOURCE', 'TERRAFORM_CLOUD', 'EXTERNAL'],
  },
  ProvisioningParameter: { type: 'structure', members: { Key: 'ParameterKey', Value: 'ParameterValue' } },
  ProvisioningParameters: { type: 'list', member: 'ProvisioningParameter' },
  ProvisioningPreferences: {
    type: 'structure',
    members: {
      StackSetAccounts: 'StackSetAccounts',
      StackSetRegions: 'StackSetRegions',
      StackSetFailureToleranceCount: 'StackSetFailureToleranceCount',
      StackSetFailureTolerancePercentage: 'StackSetFailureTolerancePercentage',
      StackSetMaxConcurrencyCount: 'StackSetMaxConcurrencyCount',
      StackSetMaxConcurrencyPercentage: 'StackSetMaxConcurrencyPercentage',
    },
  },
  Region: { type: 'string' },
  RejectPortfolioShareInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: { AcceptLanguage: 'AcceptLanguage', PortfolioId: 'Id', PortfolioShareType: 'PortfolioShareType' },
  },
  Repository: { type: 'string', min: 1, max: 100 },
  RepositoryArtifactPath: { type: 'string', min: 1, max: 4096 },
  RepositoryBranch: { type: 'string', min: 1, max: 250 },
  SearchFilterKey: { type: 'string' },
  SearchFilterValue: { type: 'string' },
  SearchProvisionedProductsInput: {
    type: 'structure',
    members: {
      AcceptLanguage: 'AcceptLanguage',
      AccessLevelFilter: 'AccessLevelFilter',
      Filters: 'ProvisionedProductFilters',
      SortBy: 'SortField',
      SortOrder: 'SortOrder',
      PageSize: 'SearchProvisionedProductsPageSize',
      PageToken: 'PageToken',
    },
  },
  SearchProvisionedProductsPageSize: { type: 'integer', min: 0, max: 100 },
  SortField: { type: 'string' },
  SortOrder: { type: 'string', enum: ['ASCENDING', 'DESCENDING'] },
  SourceConnection: {
    type: 'structure',
    required: ['ConnectionParameters'],
    members: { Type: 'SourceType', ConnectionParameters: 'SourceConnectionParameters' },
  },
  SourceConnectionParameters: { type: 'structure', members: { CodeStar: 'CodeStarParameters' } },
  SourceType: { type: 'string', enum: ['CODESTAR'] },
  StackSetAccounts: { type: 'list', member: 'AccountId' },
  StackSetFailureToleranceCount: { type: 'integer', min: 0 },
  StackSetFailureTolerancePercentage: { type: 'integer', min: 0, max: 100 },
  StackSetMaxConcurrencyCount: { type: 'integer', min: 1 },
  StackSetMaxConcurrencyPercentage: { type: 'integer', min: 1, max: 100 },
  StackSetRegions: { type: 'list', member: 'Region' },
  SupportDescription: { type: 'string', max: 8191 },
  SupportEmail: { type: 'string', max: 254 },
  SupportUrl: { type: 'string', max: 2083 },
  Tag: { type: 'structure', required: ['Key', 'Value'], members: { Key: 'TagKey', Value: 'TagValue' } },
  TagKey: { type: 'string', min: 1, max: 128, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' },
  TagValue: { type: 'string', min: 1, max: 256, pattern: '^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$' },
  Tags: { type: 'list', max: 50, member: 'Tag' },
  UpdatePortfolioShareInput: {
    type: 'structure',
    required: ['PortfolioId'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      PortfolioId: 'Id',
      AccountId: 'AccountId',
      OrganizationNode: 'OrganizationNode',
      ShareTagOptions: 'NullableBoolean',
      SharePrincipals: 'NullableBoolean',
    },
  },
  UpdateProvisionedProductPropertiesInput: {
    type: 'structure',
    required: ['ProvisionedProductId', 'ProvisionedProductProperties', 'IdempotencyToken'],
    members: {
      AcceptLanguage: 'AcceptLanguage',
      ProvisionedProductId: 'Id',
      ProvisionedProductProperties: 'ProvisionedProductProperties',
      IdempotencyToken: 'IdempotencyToken',
    },
  },
};
