export { checkTopicName, ensureTopic, kafkaClient, keyPartitioner, parseBrokers, type KafkaClientOptions } from './client.js';
