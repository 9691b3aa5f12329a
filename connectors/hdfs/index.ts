export { WebHdfs, WebHdfsError, type HdfsFileStatus, type WebHdfsBody, type WebHdfsOptions, type WebHdfsRetry } from './webhdfs.js';
export { HdfsMirror, type HdfsMirrorOptions, type HdfsMirrorReport } from './cache.js';
export { HdfsLakeCache, cacheHdfsDataset, type CachedDataset } from './lake-cache.js';
