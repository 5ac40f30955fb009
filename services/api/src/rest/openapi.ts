import { complexTypes, refField, types, type FieldType } from '@skein/model';

/** JSON Schema of a field shape; complex types become $refs to components. */
function schemaOf(t: FieldType): Record<string, unknown> {
  switch (t.kind) {
    case 'string': {
      const s: Record<string, unknown> = { type: 'string' };
      if (t.enum) s.enum = [...t.enum];
      if (t.format) s.format = t.format;
      if (t.pattern) s.pattern = t.pattern;
      if (t.maxLength) s.maxLength = t.maxLength;
      return s;
    }
    case 'integer': {
      const s: Record<string, unknown> = { type: 'integer' };
      if (t.min !== undefined) s.minimum = t.min;
      if (t.max !== undefined) s.maximum = t.max;
      return s;
    }
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'any':
      return {};
    case 'list':
      return { type: 'array', items: schemaOf(t.of) };
    case 'struct':
      return { $ref: `#/components/schemas/${t.name}` };
  }
}

const refItem = (attr: string | null) => ({
  type: 'object',
  properties: {
    to: { type: 'array', items: { type: 'string' } },
    uuid: { type: 'string', format: 'uuid' },
    href: { type: 'string' },
    attr: attr ? { $ref: `#/components/schemas/${attr}` } : { nullable: true },
  },
});

/** The OpenAPI document, generated from the model registry (served at /docs). */
export function openApiDocument(): Record<string, any> {
  const schemas: Record<string, unknown> = {};
  for (const ct of Object.values(complexTypes)) {
    const properties: Record<string, unknown> = {};
    for (const [k, f] of Object.entries(ct.fields))
      properties[k] = { ...schemaOf(f.type), ...(f.description ? { description: f.description } : {}) };
    schemas[ct.name] = { type: 'object', additionalProperties: false, properties };
  }
  const paths: Record<string, unknown> = {};
  const err = {
    description: 'Error (plain text, or {code, message, details} with Accept: application/json)',
  };
  for (const td of Object.values(types)) {
    const name = `Obj_${td.name}`;
    const properties: Record<string, unknown> = {
      uuid: { type: 'string', format: 'uuid' },
      fq_name: { type: 'array', items: { type: 'string' } },
      parent_type: { type: 'string', enum: [...td.parents] },
    };
    for (const [k, p] of Object.entries(td.props))
      properties[k] = {
        ...schemaOf(p.type),
        ...(p.description ? { description: p.description } : {}),
        ...(p.allocated || p.system ? { readOnly: true } : {}),
      };
    for (const [target, r] of Object.entries(td.refs))
      properties[refField(target)] = { type: 'array', items: refItem(r.attr) };
    schemas[name] = { type: 'object', properties };
    const body = {
      content: {
        'application/json': {
          schema: { type: 'object', properties: { [td.name]: { $ref: `#/components/schemas/${name}` } } },
        },
      },
    };
    const tag = [td.name];
    paths[`/${td.name}s`] = {
      get: {
        tags: tag,
        summary: `List ${td.name}s`,
        parameters: [
          'parent_id',
          'parent_fq_name_str',
          'parent_type',
          'back_ref_id',
          'obj_uuids',
          'fq_names',
          'detail',
          'count',
          'fields',
          'filters',
          'shared',
          'exclude_hrefs',
          'page_limit',
          'page_marker',
        ].map((n) => ({ name: n, in: 'query', schema: { type: 'string' } })),
        responses: { 200: { description: 'List' }, 400: err },
      },
      post: {
        tags: tag,
        summary: `Create a ${td.name}`,
        requestBody: body,
        responses: { 200: { description: 'Created' }, 400: err, 403: err, 409: err },
      },
    };
    paths[`/${td.name}/{uuid}`] = {
      parameters: [{ name: 'uuid', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      get: {
        tags: tag,
        summary: `Read a ${td.name}`,
        responses: {
          200: {
            description: 'The object',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  properties: { [td.name]: { $ref: `#/components/schemas/${name}` } },
                },
              },
            },
          },
          404: err,
        },
      },
      put: {
        tags: tag,
        summary: `Update a ${td.name} (partial)`,
        requestBody: body,
        responses: { 200: { description: 'Updated' }, 400: err, 403: err, 404: err, 412: err },
      },
      delete: {
        tags: tag,
        summary: `Delete a ${td.name}`,
        responses: { 200: { description: 'Deleted' }, 404: err, 409: err },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Skein config API (VNC-compatible)', version: '1' },
    paths,
    components: { schemas },
  };
}
