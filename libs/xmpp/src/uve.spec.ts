import { parseStanzas } from '../test/helpers';
import { decodeStanza } from './stanzas';
import { encodeUveMessage, type Uve } from './uve';

const uves: Uve[] = [
  {
    type: 'vrouter',
    name: 'agent-a',
    struct: 'VrouterAgent',
    seq: 7,
    json: '{"mode":"kernel","note":"<&>\'"}',
  },
  { type: 'virtual-machine-interface', name: 'x:y', struct: 'UveVMInterfaceAgent', seq: 8, json: '' },
];

test('agent UVEs go to …/analytics and come back with their JSON text untouched', () => {
  const xml = encodeUveMessage({ from: 'agent-a', uves });
  expect(
    xml.startsWith(
      "<message from='agent-a' to='network-control@contrailsystems.com/analytics'><uve xmlns='urn:skein:analytics' type='vrouter'",
    ),
  ).toBe(true);
  expect(parseStanzas(xml).map(decodeStanza)).toEqual([
    { kind: 'uve', from: 'agent-a', to: 'network-control@contrailsystems.com/analytics', uves, errors: [] },
  ]);
});

test('a <uve> without its attributes is an item error; the others are kept', () => {
  const xml =
    "<message from='agent-a' to='network-control@contrailsystems.com/analytics'>" +
    "<uve xmlns='urn:skein:analytics' type='vrouter' name='agent-a' struct='S' seq='x'>{}</uve>" +
    "<uve xmlns='urn:skein:analytics' type='vrouter' name='agent-a' struct='S' seq='1'>{}</uve></message>";
  const [m] = parseStanzas(xml).map(decodeStanza);
  expect(m).toMatchObject({ kind: 'uve', uves: [{ seq: 1 }], errors: [{ code: 'bad-field' }] });
});
