import { createTopic, kafkaBrokers, testKafka } from '@skein/testing';
import { KafkaRouteEventSink } from '../src';
import { Lab, soon, type Vn } from './harness';

// routing.md B1: route add/change/withdraw and session up/down go to `control.routes`, keyed by routing
// instance, on the real broker the test harness started.
describe('control.routes on Kafka', () => {
  let lab: Lab;
  let blue: Vn;
  let topic: string;
  const received: { key: string; value: any }[] = [];
  const consumer = testKafka('control-routes-test').consumer({
    groupId: `control-routes-${Date.now()}`,
    maxWaitTimeInMs: 50,
  });

  beforeAll(async () => {
    kafkaBrokers();
    topic = await createTopic();
    lab = await Lab.start({
      node: {
        routeEvents: new KafkaRouteEventSink(testKafka('control-routes-sink'), () => undefined, topic),
      },
    });
    blue = await lab.createVn('blue');
    await lab.sync();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push({ key: message.key!.toString(), value: JSON.parse(message.value!.toString()) });
      },
    });
  });
  afterAll(async () => {
    await consumer.disconnect();
    await lab?.close();
  });

  it('an agent route is published as an add keyed by its RI, and its retract as a delete', async () => {
    const a = await lab.agent('a-kafka', '192.0.2.61');
    a.subscribe(blue.ri, 3);
    a.addInterface({
      uuid: 'vmi-k',
      ri: blue.ri,
      address: '10.1.7.3',
      label: 30,
      encapsulations: ['gre'],
      vn: blue.fq.join(':'),
    });
    a.start();
    const isOurs = (r: { key: string; value: any }) =>
      r.key === blue.ri && JSON.stringify(r.value).includes('10.1.7.3/32');
    const add = await soon(() => received.find(isOurs), 'the add record on control.routes', 15_000);
    expect(add.value).toMatchObject({ op: 'add' });
    a.removeInterface('vmi-k');
    const del = await soon(
      () => received.find((r) => isOurs(r) && r.value.op === 'delete'),
      'the delete record',
      15_000,
    );
    expect(del.key).toBe(blue.ri);
    await a.stop();
  }, 60_000);
});
