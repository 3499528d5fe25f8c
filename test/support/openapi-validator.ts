import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

import { type ApiResponse } from '@test/support/api-client';

interface OperationLike {
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

const DOCUMENT_ID = 'zvonok-openapi';
const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z_]+)/g, '{$1}');

/**
 * Checks real responses against the served OpenAPI document: the JSON body of a status against that status's
 * schema (or the `default` error schema), with JSON Schema 2020-12 (OpenAPI 3.1's dialect) and formats.
 */
export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(readonly document: { paths: Record<string, Record<string, OperationLike>> }) {
    addFormats.default(this.ajv);
    this.ajv.addSchema({ ...document, $id: DOCUMENT_ID });
  }

  /** Problems with `res` as the answer of `METHOD path` (express pattern); empty when it matches the document. */
  problems(method: string, path: string, res: ApiResponse): string[] {
    const openApiPath = toOpenApiPath(path);
    const operation = this.document.paths[openApiPath]?.[method.toLowerCase()];
    if (!operation) return [`${method} ${path} is not in the document`];
    const status = String(res.status);
    const declared = operation.responses?.[status] ? status : 'default';
    const response = operation.responses?.[declared];
    if (!response) return [`${method} ${path}: status ${status} is not declared`];
    const type = res.headers.get('content-type')?.split(';')[0]?.trim() ?? '';
    if (!response.content) return res.body === undefined || res.body === '' ? [] : [`${status} should have no body`];
    if (!(type in response.content)) return [`${method} ${path} ${status}: content type ${type} is not declared`];
    if (type !== 'application/json') return [];
    const ref = `${DOCUMENT_ID}#/paths/${pointer(openApiPath)}/${method.toLowerCase()}/responses/${declared}/content/${pointer(type)}/schema`;
    let validate = this.compiled.get(ref);
    if (!validate) {
      validate = this.ajv.compile({ $ref: ref });
      this.compiled.set(ref, validate);
    }
    if (validate(res.body)) return [];
    return (validate.errors ?? []).map(
      (e) =>
        `${method} ${path} ${status}: ${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
    );
  }
}
