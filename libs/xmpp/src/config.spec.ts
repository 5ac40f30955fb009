import { parseStanzas } from '../test/helpers';
import { encodeConfigIq, propsFromJson, propsToJson, type ConfigChanges } from './config';
import { decodeStanza } from './stanzas';

const vrName = 'default-global-system-config:agent-a';
const vmName = '3f9c1c9e-2f0e-4bd4-9b52-0d0e2f0f7f7a';

test('the /config push outline: update and delete of nodes and links', () => {
  const update: ConfigChanges = {
    nodes: [
      { type: 'virtual-router', name: vrName, props: [] },
      {
        type: 'virtual-network',
        name: 'default-domain:p1:blue',
        props: propsFromJson({
          virtual_network_properties: { forwarding_mode: 'l2_l3', vxlan_network_identifier: 5001 },
        }),
      },
    ],
    links: [
      {
        left: { type: 'virtual-router', name: vrName },
        right: { type: 'virtual-machine', name: vmName },
        metadata: 'virtual-router-virtual-machine',
        props: [],
      },
    ],
  };
  const del: ConfigChanges = { nodes: [{ type: 'virtual-machine', name: 'old', props: [] }], links: [] };
  const xml = encodeConfigIq({ agent: 'agent-a', id: 'c1', update, delete: del });
  expect(xml).toBe(
    "<iq type='set' from='network-control@contrailsystems.com' to='agent-a/config' id='c1'><config><update>" +
      `<node type='virtual-router'><name>${vrName}</name></node>` +
      "<node type='virtual-network'><name>default-domain:p1:blue</name><virtual-network-properties>" +
      '<forwarding-mode>l2_l3</forwarding-mode><vxlan-network-identifier>5001</vxlan-network-identifier>' +
      '</virtual-network-properties></node>' +
      `<link><node type='virtual-router'><name>${vrName}</name></node><node type='virtual-machine'><name>${vmName}</name></node>` +
      "<metadata type='virtual-router-virtual-machine'/></link></update>" +
      "<delete><node type='virtual-machine'><name>old</name></node></delete></config></iq>",
  );
  const [decoded] = parseStanzas(xml).map(decodeStanza);
  expect(decoded).toEqual({
    kind: 'config',
    id: 'c1',
    from: 'network-control@contrailsystems.com',
    to: 'agent-a/config',
    update,
    delete: del,
  });
});

test('properties as JSON: keys to element names and back (values come back as text)', () => {
  const props = propsFromJson({ a_b: 'x', list: [1, 2], nested: { c_d: true }, gone: null });
  expect(propsToJson(props)).toEqual({ a_b: 'x', list: ['1', '2'], nested: { c_d: 'true' } });
});
