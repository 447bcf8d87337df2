/** Every scenario, in table order. */
import type { BenchConfig, Scenario } from '../types';
import { aggregate } from './aggregate';
import { echoStreams } from './echo-streams';
import { pingPongScenario } from './ping-pong';
import { framesLengthPrefixed, framesLines } from './protocol-layer';
import { writeFromGenerator } from './writefrom-generator';
import {
  writeFromCorked,
  writeFromGeneratorCorked,
  writeFromGeneratorSmall,
  writeFromSmall,
} from './writefrom-small';
import { slowConsumer } from './slow-consumer';
import { smallRequestScenario } from './small-request';
import { smallTryWrites, smallWrites, smallWritesFlat, smallWritesFlat100k } from './small-writes';
import { tcpRecv } from './tcp-recv';
import { tcpReadsInto, tcpRecvInto, tcpRecvIntoData } from './tcp-recv-into';
import { tcpSend, tcpSendFlat } from './tcp-send';
import { tlsRecv, tlsSend } from './tls-bulk';

/** The scenarios for a config. */
export function allScenarios(config: BenchConfig): Scenario[] {
  return [
    tcpRecv,
    tcpRecvInto,
    tcpRecvIntoData,
    tcpReadsInto,
    tcpSend,
    tcpSendFlat,
    smallWrites,
    smallWritesFlat,
    smallWritesFlat100k,
    smallTryWrites,
    framesLines,
    framesLengthPrefixed,
    writeFromSmall,
    writeFromCorked,
    writeFromGeneratorSmall,
    writeFromGeneratorCorked,
    pingPongScenario,
    smallRequestScenario,
    tlsRecv,
    tlsSend,
    slowConsumer,
    writeFromGenerator,
    echoStreams,
    ...config.aggregateStreams.map(aggregate),
  ];
}
