import { css } from 'lit';

export default css`
  kohort-app {
    display: block;
    min-height: 100vh;
  }
`;
