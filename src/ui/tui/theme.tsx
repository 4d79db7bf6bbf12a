import { Text, type TextProps } from "ink";
import { createContext, type ReactNode, useContext } from "react";

/** Whether colours are allowed (NO_COLOR unset). Bold, dim and inverse stay: NO_COLOR is about colour. */
export const ColorContext = createContext(true);

/** Text whose colour is dropped when NO_COLOR is set. */
export function C(props: TextProps & { children?: ReactNode }) {
  const color = useContext(ColorContext);
  const { color: fg, backgroundColor, ...rest } = props;
  return (
    <Text {...rest} color={color ? fg : undefined} backgroundColor={color ? backgroundColor : undefined} />
  );
}

/** True unless the NO_COLOR convention (https://no-color.org) asks for no colour. */
export function colorAllowed(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR;
}
